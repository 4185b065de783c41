package io.asyncinvoke.simulator;

import java.util.Locale;

/**
 * The kind of output a model produces, which decides the shape of a completed job's
 * {@code output} and the media file served for it.
 *
 * <p>By default a model id containing {@code tts} or {@code speech} is {@link #SPEECH}, one
 * containing {@code audio} is {@link #AUDIO}, anything else {@link #IMAGE}; override per model with
 * {@link Simulator.Builder#family(String, Family)}.
 */
public enum Family {
    /** {@code {"images":[{url,width,height,content_type}...],"seed","has_nsfw_concepts","prompt"}}, PNG files. */
    IMAGE,
    /** {@code {"audio":{url,content_type:"audio/wav",file_name,file_size},"seed"}}, WAV files. */
    AUDIO,
    /** {@code {"audio":{url,content_type:"audio/mpeg",file_name,file_size}}}, MP3 files. */
    SPEECH;

    /** The family a model id suggests when no override is configured. */
    public static Family guess(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.contains("tts") || id.contains("speech")) {
            return SPEECH;
        }
        if (id.contains("audio")) {
            return AUDIO;
        }
        return IMAGE;
    }
}
