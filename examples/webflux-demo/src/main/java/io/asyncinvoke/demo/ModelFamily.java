package io.asyncinvoke.demo;

import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The three kinds of job the page offers, each with the model it runs and the input it needs. */
enum ModelFamily {

    IMAGE("fal-ai/flux/schnell", "prompt", "a prompt for the image"),
    AUDIO("fal-ai/stable-audio-25/text-to-audio", "prompt", "a prompt for the audio"),
    SPEECH("fal-ai/elevenlabs/tts/multilingual-v2", "text", "the text to speak");

    final String modelId;
    /** The form field that carries the input. */
    final String field;
    final String what;

    ModelFamily(String modelId, String field, String what) {
        this.modelId = modelId;
        this.field = field;
        this.what = what;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ModelFamily> find(String id) {
        return Arrays.stream(values()).filter(family -> family.id().equals(id)).findFirst();
    }

    /** The request for {@code input}; throws IllegalArgumentException for input the library refuses. */
    AsyncInvokeRequest request(String input) {
        switch (this) {
            case IMAGE:
                return InvokeRequests.image(modelId).prompt(input).build();
            case AUDIO:
                return InvokeRequests.audio(modelId).prompt(input).build();
            default:
                return InvokeRequests.speech(modelId).text(input).build();
        }
    }
}
