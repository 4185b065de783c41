package io.asyncinvoke.spring.ai.autoconfigure;

import io.asyncinvoke.spring.ai.AsyncInvokeSpeechOptions;
import io.asyncinvoke.spring.ai.AsyncInvokeTextToSpeechModel;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The defaults of the auto-configured {@link AsyncInvokeTextToSpeechModel}, under
 * {@code spring.ai.async-invoke.speech}; a prompt's options are merged over them.
 */
@ConfigurationProperties(prefix = AsyncInvokeSpeechProperties.PREFIX)
public class AsyncInvokeSpeechProperties {

    public static final String PREFIX = "spring.ai.async-invoke.speech";

    /** The fal text-to-speech model. */
    private String model = AsyncInvokeTextToSpeechModel.DEFAULT_MODEL;

    /** The voice, e.g. Rachel for ElevenLabs; unset, the model's default. */
    private String voice;

    /** The audio format; ElevenLabs models answer mp3 only, other models take theirs as an input field. */
    private String format;

    /** The speaking speed (ElevenLabs: 0.7 to 1.2); unset, the model's default. */
    private Double speed;

    /** The most audio a call downloads and holds in memory. */
    private DataSize maxBytes = DataSize.ofBytes(AsyncInvokeTextToSpeechModel.DEFAULT_MAX_AUDIO_BYTES);

    /** These defaults as the model's options. */
    public AsyncInvokeSpeechOptions toOptions() {
        return AsyncInvokeSpeechOptions.builder().model(model).voice(voice).format(format).speed(speed).build();
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getVoice() {
        return voice;
    }

    public void setVoice(String voice) {
        this.voice = voice;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public Double getSpeed() {
        return speed;
    }

    public void setSpeed(Double speed) {
        this.speed = speed;
    }

    public DataSize getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(DataSize maxBytes) {
        this.maxBytes = maxBytes;
    }
}
