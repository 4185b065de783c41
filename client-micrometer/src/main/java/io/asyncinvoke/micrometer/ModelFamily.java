package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.model.Job;
import java.util.Locale;

/** What a model makes, for low-cardinality keys: guessed from its id, then told by its output. */
public enum ModelFamily {
    /** Images ({@code fal-ai/flux/schnell}). */
    IMAGE("image", "image"),
    /** Audio from a prompt ({@code fal-ai/stable-audio-25/text-to-audio}). */
    AUDIO("audio", "text_to_audio"),
    /** Speech from a text ({@code fal-ai/elevenlabs/tts/multilingual-v2}). */
    SPEECH("speech", "text_to_speech"),
    /** Video. */
    VIDEO("video", "video"),
    /** Neither the id nor (yet) the output says. */
    UNKNOWN("unknown", "generate_content");

    private final String key;
    private final String operation;

    ModelFamily(String key, String operation) {
        this.key = key;
        this.operation = operation;
    }

    /** The value of {@code asyncinvoke.family}. */
    public String key() {
        return key;
    }

    /** The value of {@code gen_ai.operation.name}; {@code image} as Spring AI's image models say. */
    public String operation() {
        return operation;
    }

    /** The family a model id suggests, {@link #UNKNOWN} when it suggests none. */
    public static ModelFamily guess(String modelId) {
        if (modelId == null) {
            return UNKNOWN;
        }
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.contains("tts") || id.contains("speech")) {
            return SPEECH;
        }
        if (id.contains("audio") || id.contains("music") || id.contains("sound")) {
            return AUDIO;
        }
        if (id.contains("video")) {
            return VIDEO;
        }
        if (id.contains("image") || id.contains("flux") || id.contains("sdxl") || id.contains("diffusion")
                || id.contains("imagen") || id.contains("recraft") || id.contains("ideogram")) {
            return IMAGE;
        }
        return UNKNOWN;
    }

    /** This guess corrected by what a completed job's output holds. */
    ModelFamily refine(Job job) {
        JobOutput output = JobOutput.of(job);
        if (!output.images().isEmpty()) {
            return IMAGE;
        }
        if (!output.audio().isEmpty()) {
            return this == SPEECH ? SPEECH : AUDIO;
        }
        return this;
    }
}
