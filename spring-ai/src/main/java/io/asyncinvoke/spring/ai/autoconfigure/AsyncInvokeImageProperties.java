package io.asyncinvoke.spring.ai.autoconfigure;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.spring.ai.AsyncInvokeImageModel;
import io.asyncinvoke.spring.ai.AsyncInvokeImageOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The defaults of the auto-configured {@link AsyncInvokeImageModel}, under
 * {@code spring.ai.async-invoke.image}; a prompt's options are merged over them.
 */
@ConfigurationProperties(prefix = AsyncInvokeImageProperties.PREFIX)
public class AsyncInvokeImageProperties {

    public static final String PREFIX = "spring.ai.async-invoke.image";

    /** The fal image model. */
    private String model = AsyncInvokeDefaults.IMAGE_MODEL;

    /** How many images per call (num_images); unset, the model's default (1). */
    private Integer n;

    /** Image width in pixels; with height, a fal preset name when they match one, else an exact size. */
    private Integer width;

    /** Image height in pixels; see width. */
    private Integer height;

    /** A fal image_size preset (square_hd, square, portrait_4_3, portrait_16_9, landscape_4_3, landscape_16_9), used when width and height are unset. */
    private String imageSize;

    /** url, or b64_json to also download each image and give it as base64. */
    private String responseFormat;

    /** A style, for models that take one. */
    private String style;

    /** num_inference_steps. */
    private Integer numInferenceSteps;

    /** guidance_scale. */
    private Double guidanceScale;

    /** A seed, for reproducible images. */
    private Long seed;

    /** enable_safety_checker. */
    private Boolean enableSafetyChecker;

    /** output_format, e.g. jpeg or png. */
    private String outputFormat;

    /** The largest image the b64_json response format downloads. */
    private DataSize maxBytes = DataSize.ofBytes(AsyncInvokeImageModel.DEFAULT_MAX_IMAGE_BYTES);

    /** These defaults as the model's options. */
    public AsyncInvokeImageOptions toOptions() {
        return AsyncInvokeImageOptions.builder().model(model).n(n).width(width).height(height).imageSize(imageSize)
                .responseFormat(responseFormat).style(style).numInferenceSteps(numInferenceSteps)
                .guidanceScale(guidanceScale).seed(seed).enableSafetyChecker(enableSafetyChecker)
                .outputFormat(outputFormat).build();
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public Integer getN() {
        return n;
    }

    public void setN(Integer n) {
        this.n = n;
    }

    public Integer getWidth() {
        return width;
    }

    public void setWidth(Integer width) {
        this.width = width;
    }

    public Integer getHeight() {
        return height;
    }

    public void setHeight(Integer height) {
        this.height = height;
    }

    public String getImageSize() {
        return imageSize;
    }

    public void setImageSize(String imageSize) {
        this.imageSize = imageSize;
    }

    public String getResponseFormat() {
        return responseFormat;
    }

    public void setResponseFormat(String responseFormat) {
        this.responseFormat = responseFormat;
    }

    public String getStyle() {
        return style;
    }

    public void setStyle(String style) {
        this.style = style;
    }

    public Integer getNumInferenceSteps() {
        return numInferenceSteps;
    }

    public void setNumInferenceSteps(Integer numInferenceSteps) {
        this.numInferenceSteps = numInferenceSteps;
    }

    public Double getGuidanceScale() {
        return guidanceScale;
    }

    public void setGuidanceScale(Double guidanceScale) {
        this.guidanceScale = guidanceScale;
    }

    public Long getSeed() {
        return seed;
    }

    public void setSeed(Long seed) {
        this.seed = seed;
    }

    public Boolean getEnableSafetyChecker() {
        return enableSafetyChecker;
    }

    public void setEnableSafetyChecker(Boolean enableSafetyChecker) {
        this.enableSafetyChecker = enableSafetyChecker;
    }

    public String getOutputFormat() {
        return outputFormat;
    }

    public void setOutputFormat(String outputFormat) {
        this.outputFormat = outputFormat;
    }

    public DataSize getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(DataSize maxBytes) {
        this.maxBytes = maxBytes;
    }
}
