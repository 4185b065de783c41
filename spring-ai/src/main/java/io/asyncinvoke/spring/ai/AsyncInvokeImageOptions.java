package io.asyncinvoke.spring.ai;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.ImageOptions;
import org.springframework.ai.model.ModelOptionsUtils;

/**
 * Options of {@link AsyncInvokeImageModel}: Spring AI's portable {@link ImageOptions} and fal's own
 * input fields. Every getter returns {@code null} for "not set", as Spring AI's options do, so that
 * a prompt's options are merged over the model's defaults field by field ({@link #merge}).
 *
 * <table>
 *   <caption>Where each option goes</caption>
 *   <tr><th>Option</th><th>Input field</th></tr>
 *   <tr><td>{@code model}</td><td>the request's {@code model_id} (default {@code fal-ai/flux/schnell})</td></tr>
 *   <tr><td>{@code n}</td><td>{@code num_images}</td></tr>
 *   <tr><td>{@code width}, {@code height}</td><td>{@code image_size}: fal's preset name when they match one
 *       ({@code square_hd} 1024x1024, {@code square} 512x512, {@code portrait_4_3} 768x1024,
 *       {@code portrait_16_9} 576x1024, {@code landscape_4_3} 1024x768, {@code landscape_16_9} 1024x576),
 *       else {@code {"width", "height"}}</td></tr>
 *   <tr><td>{@code imageSize}</td><td>{@code image_size} as a preset name, when width and height are not set</td></tr>
 *   <tr><td>{@code style}</td><td>{@code style} (models that take one)</td></tr>
 *   <tr><td>{@code numInferenceSteps}, {@code guidanceScale}, {@code seed}, {@code enableSafetyChecker},
 *       {@code outputFormat}</td><td>{@code num_inference_steps}, {@code guidance_scale}, {@code seed},
 *       {@code enable_safety_checker}, {@code output_format}</td></tr>
 *   <tr><td>{@code input}</td><td>any other field, by its wire name</td></tr>
 *   <tr><td>{@code responseFormat}</td><td>not sent: {@code url} (the default) answers the output's URLs,
 *       {@code b64_json} also downloads each image (never sending the key) and gives it as base64</td></tr>
 *   <tr><td>{@code tags}</td><td>the request's {@code tags}</td></tr>
 * </table>
 */
public final class AsyncInvokeImageOptions implements ImageOptions {

    /** {@link #getResponseFormat()}: the output's URLs (the default). */
    public static final String RESPONSE_FORMAT_URL = "url";
    /** {@link #getResponseFormat()}: each image downloaded and given as base64 besides its URL. */
    public static final String RESPONSE_FORMAT_B64_JSON = "b64_json";

    private final @Nullable String model;
    private final @Nullable Integer n;
    private final @Nullable Integer width;
    private final @Nullable Integer height;
    private final @Nullable String imageSize;
    private final @Nullable String responseFormat;
    private final @Nullable String style;
    private final @Nullable Integer numInferenceSteps;
    private final @Nullable Double guidanceScale;
    private final @Nullable Long seed;
    private final @Nullable Boolean enableSafetyChecker;
    private final @Nullable String outputFormat;
    private final Map<String, Object> input;
    private final Map<String, String> tags;

    private AsyncInvokeImageOptions(Builder b) {
        this.model = b.model;
        this.n = b.n;
        this.width = b.width;
        this.height = b.height;
        this.imageSize = b.imageSize;
        this.responseFormat = b.responseFormat;
        this.style = b.style;
        this.numInferenceSteps = b.numInferenceSteps;
        this.guidanceScale = b.guidanceScale;
        this.seed = b.seed;
        this.enableSafetyChecker = b.enableSafetyChecker;
        this.outputFormat = b.outputFormat;
        this.input = Collections.unmodifiableMap(new LinkedHashMap<>(b.input));
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder mutate() {
        return new Builder().from(this);
    }

    /**
     * {@code runtime} over {@code defaults}: each option {@code runtime} sets wins, the others are
     * the defaults'; {@code input} and {@code tags} are merged key by key (the runtime's win). A
     * {@code runtime} of another {@link ImageOptions} type contributes its portable options.
     */
    public static AsyncInvokeImageOptions merge(@Nullable ImageOptions runtime, AsyncInvokeImageOptions defaults) {
        Objects.requireNonNull(defaults, "defaults");
        if (runtime == null) {
            return defaults;
        }
        Builder merged = defaults.mutate()
                .model(ModelOptionsUtils.mergeOption(runtime.getModel(), defaults.model))
                .n(ModelOptionsUtils.mergeOption(runtime.getN(), defaults.n))
                .responseFormat(ModelOptionsUtils.mergeOption(runtime.getResponseFormat(), defaults.responseFormat))
                .style(ModelOptionsUtils.mergeOption(runtime.getStyle(), defaults.style));
        if (runtime.getWidth() != null || runtime.getHeight() != null) {
            // a size given at run time replaces the default's whole, named or not
            merged.width(runtime.getWidth()).height(runtime.getHeight()).imageSize(null);
        }
        if (runtime instanceof AsyncInvokeImageOptions) {
            AsyncInvokeImageOptions fal = (AsyncInvokeImageOptions) runtime;
            if (fal.imageSize != null) {
                merged.imageSize(fal.imageSize);
                if (runtime.getWidth() == null && runtime.getHeight() == null) {
                    merged.width(null).height(null);
                }
            }
            merged.numInferenceSteps(ModelOptionsUtils.mergeOption(fal.numInferenceSteps, defaults.numInferenceSteps))
                    .guidanceScale(ModelOptionsUtils.mergeOption(fal.guidanceScale, defaults.guidanceScale))
                    .seed(ModelOptionsUtils.mergeOption(fal.seed, defaults.seed))
                    .enableSafetyChecker(ModelOptionsUtils.mergeOption(fal.enableSafetyChecker, defaults.enableSafetyChecker))
                    .outputFormat(ModelOptionsUtils.mergeOption(fal.outputFormat, defaults.outputFormat));
            fal.input.forEach(merged::input);
            fal.tags.forEach(merged::tag);
        }
        return merged.build();
    }

    @Override
    public @Nullable String getModel() {
        return model;
    }

    @Override
    public @Nullable Integer getN() {
        return n;
    }

    @Override
    public @Nullable Integer getWidth() {
        return width;
    }

    @Override
    public @Nullable Integer getHeight() {
        return height;
    }

    /** A preset name for {@code image_size} ({@code square_hd}, {@code landscape_16_9}, ...). */
    public @Nullable String getImageSize() {
        return imageSize;
    }

    @Override
    public @Nullable String getResponseFormat() {
        return responseFormat;
    }

    @Override
    public @Nullable String getStyle() {
        return style;
    }

    public @Nullable Integer getNumInferenceSteps() {
        return numInferenceSteps;
    }

    public @Nullable Double getGuidanceScale() {
        return guidanceScale;
    }

    public @Nullable Long getSeed() {
        return seed;
    }

    public @Nullable Boolean getEnableSafetyChecker() {
        return enableSafetyChecker;
    }

    public @Nullable String getOutputFormat() {
        return outputFormat;
    }

    /** Further input fields by wire name (read-only). */
    public Map<String, Object> getInput() {
        return input;
    }

    /** Tags of the request (read-only). */
    public Map<String, String> getTags() {
        return tags;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AsyncInvokeImageOptions)) {
            return false;
        }
        AsyncInvokeImageOptions that = (AsyncInvokeImageOptions) o;
        return Objects.equals(model, that.model) && Objects.equals(n, that.n) && Objects.equals(width, that.width)
                && Objects.equals(height, that.height) && Objects.equals(imageSize, that.imageSize)
                && Objects.equals(responseFormat, that.responseFormat) && Objects.equals(style, that.style)
                && Objects.equals(numInferenceSteps, that.numInferenceSteps)
                && Objects.equals(guidanceScale, that.guidanceScale) && Objects.equals(seed, that.seed)
                && Objects.equals(enableSafetyChecker, that.enableSafetyChecker)
                && Objects.equals(outputFormat, that.outputFormat) && input.equals(that.input) && tags.equals(that.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, n, width, height, imageSize, responseFormat, style, numInferenceSteps, guidanceScale,
                seed, enableSafetyChecker, outputFormat, input, tags);
    }

    @Override
    public String toString() {
        return "AsyncInvokeImageOptions{model=" + model + ", n=" + n + ", width=" + width + ", height=" + height
                + ", imageSize=" + imageSize + ", responseFormat=" + responseFormat + ", style=" + style
                + ", numInferenceSteps=" + numInferenceSteps + ", guidanceScale=" + guidanceScale + ", seed=" + seed
                + ", enableSafetyChecker=" + enableSafetyChecker + ", outputFormat=" + outputFormat
                + ", input=" + input + ", tags=" + tags + '}';
    }

    /** Builds {@link AsyncInvokeImageOptions}; {@code null} unsets an option. */
    public static final class Builder {
        private @Nullable String model;
        private @Nullable Integer n;
        private @Nullable Integer width;
        private @Nullable Integer height;
        private @Nullable String imageSize;
        private @Nullable String responseFormat;
        private @Nullable String style;
        private @Nullable Integer numInferenceSteps;
        private @Nullable Double guidanceScale;
        private @Nullable Long seed;
        private @Nullable Boolean enableSafetyChecker;
        private @Nullable String outputFormat;
        private final Map<String, Object> input = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder() {
        }

        Builder from(AsyncInvokeImageOptions o) {
            model = o.model;
            n = o.n;
            width = o.width;
            height = o.height;
            imageSize = o.imageSize;
            responseFormat = o.responseFormat;
            style = o.style;
            numInferenceSteps = o.numInferenceSteps;
            guidanceScale = o.guidanceScale;
            seed = o.seed;
            enableSafetyChecker = o.enableSafetyChecker;
            outputFormat = o.outputFormat;
            input.putAll(o.input);
            tags.putAll(o.tags);
            return this;
        }

        /** The model id, e.g. {@code fal-ai/flux/schnell}. */
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        /** How many images ({@code num_images}). */
        public Builder n(@Nullable Integer n) {
            this.n = n;
            return this;
        }

        public Builder width(@Nullable Integer width) {
            this.width = width;
            return this;
        }

        public Builder height(@Nullable Integer height) {
            this.height = height;
            return this;
        }

        /** A preset {@code image_size} name; used when width and height are not set. */
        public Builder imageSize(@Nullable String imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** {@code url} (default) or {@code b64_json}. */
        public Builder responseFormat(@Nullable String responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        public Builder style(@Nullable String style) {
            this.style = style;
            return this;
        }

        public Builder numInferenceSteps(@Nullable Integer numInferenceSteps) {
            this.numInferenceSteps = numInferenceSteps;
            return this;
        }

        public Builder guidanceScale(@Nullable Double guidanceScale) {
            this.guidanceScale = guidanceScale;
            return this;
        }

        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder enableSafetyChecker(@Nullable Boolean enableSafetyChecker) {
            this.enableSafetyChecker = enableSafetyChecker;
            return this;
        }

        /** {@code output_format}, e.g. {@code jpeg} or {@code png}. */
        public Builder outputFormat(@Nullable String outputFormat) {
            this.outputFormat = outputFormat;
            return this;
        }

        /** Any other input field by its wire name; {@code null} removes it. */
        public Builder input(String field, @Nullable Object value) {
            Objects.requireNonNull(field, "field");
            if (value == null) {
                input.remove(field);
            } else {
                input.put(field, value);
            }
            return this;
        }

        /** A tag of the request. */
        public Builder tag(String key, String value) {
            tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public AsyncInvokeImageOptions build() {
            return new AsyncInvokeImageOptions(this);
        }
    }
}
