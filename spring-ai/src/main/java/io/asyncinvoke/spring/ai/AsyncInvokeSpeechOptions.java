package io.asyncinvoke.spring.ai;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.audio.tts.TextToSpeechOptions;
import org.springframework.ai.model.ModelOptionsUtils;

/**
 * Options of {@link AsyncInvokeTextToSpeechModel}: Spring AI's portable {@link TextToSpeechOptions}
 * (model, voice, format, speed) and any other input field of the model. {@code null} means "not
 * set", as in Spring AI's options, so that a prompt's options are merged over the model's defaults
 * field by field ({@link #merge}). Where voice, format and speed go depends on the model: see
 * {@link AsyncInvokeTextToSpeechModel}.
 */
public final class AsyncInvokeSpeechOptions implements TextToSpeechOptions {

    private final @Nullable String model;
    private final @Nullable String voice;
    private final @Nullable String format;
    private final @Nullable Double speed;
    private final Map<String, Object> input;
    private final Map<String, String> tags;

    private AsyncInvokeSpeechOptions(Builder b) {
        this.model = b.model;
        this.voice = b.voice;
        this.format = b.format;
        this.speed = b.speed;
        this.input = Collections.unmodifiableMap(new LinkedHashMap<>(b.input));
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder mutate() {
        Builder b = new Builder().model(model).voice(voice).format(format).speed(speed);
        b.input.putAll(input);
        b.tags.putAll(tags);
        return b;
    }

    /**
     * {@code runtime} over {@code defaults}: each option {@code runtime} sets wins; {@code input}
     * and {@code tags} merge key by key. Any {@link TextToSpeechOptions} contributes its portable options.
     */
    public static AsyncInvokeSpeechOptions merge(@Nullable TextToSpeechOptions runtime, AsyncInvokeSpeechOptions defaults) {
        Objects.requireNonNull(defaults, "defaults");
        if (runtime == null) {
            return defaults;
        }
        Builder merged = defaults.mutate()
                .model(ModelOptionsUtils.mergeOption(runtime.getModel(), defaults.model))
                .voice(ModelOptionsUtils.mergeOption(runtime.getVoice(), defaults.voice))
                .format(ModelOptionsUtils.mergeOption(runtime.getFormat(), defaults.format))
                .speed(ModelOptionsUtils.mergeOption(runtime.getSpeed(), defaults.speed));
        if (runtime instanceof AsyncInvokeSpeechOptions) {
            ((AsyncInvokeSpeechOptions) runtime).input.forEach(merged::input);
            ((AsyncInvokeSpeechOptions) runtime).tags.forEach(merged::tag);
        }
        return merged.build();
    }

    @Override
    public @Nullable String getModel() {
        return model;
    }

    @Override
    public @Nullable String getVoice() {
        return voice;
    }

    @Override
    public @Nullable String getFormat() {
        return format;
    }

    @Override
    public @Nullable Double getSpeed() {
        return speed;
    }

    /** Further input fields by wire name (read-only), e.g. {@code stability} for ElevenLabs. */
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
        if (!(o instanceof AsyncInvokeSpeechOptions)) {
            return false;
        }
        AsyncInvokeSpeechOptions that = (AsyncInvokeSpeechOptions) o;
        return Objects.equals(model, that.model) && Objects.equals(voice, that.voice)
                && Objects.equals(format, that.format) && Objects.equals(speed, that.speed)
                && input.equals(that.input) && tags.equals(that.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, voice, format, speed, input, tags);
    }

    @Override
    public String toString() {
        return "AsyncInvokeSpeechOptions{model=" + model + ", voice=" + voice + ", format=" + format + ", speed="
                + speed + ", input=" + input + ", tags=" + tags + '}';
    }

    /** Builds {@link AsyncInvokeSpeechOptions}; {@code null} unsets an option. */
    public static final class Builder implements TextToSpeechOptions.Builder {
        private @Nullable String model;
        private @Nullable String voice;
        private @Nullable String format;
        private @Nullable Double speed;
        private final Map<String, Object> input = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder() {
        }

        @Override
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        @Override
        public Builder voice(@Nullable String voice) {
            this.voice = voice;
            return this;
        }

        /** The audio format, e.g. {@code mp3}; only what the model offers (see the model's class). */
        @Override
        public Builder format(@Nullable String format) {
            this.format = format;
            return this;
        }

        @Override
        public Builder speed(@Nullable Double speed) {
            this.speed = speed;
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

        @Override
        public AsyncInvokeSpeechOptions build() {
            return new AsyncInvokeSpeechOptions(this);
        }
    }
}
