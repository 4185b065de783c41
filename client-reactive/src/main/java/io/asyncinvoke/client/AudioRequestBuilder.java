package io.asyncinvoke.client;

/** Builds a request for an audio model such as {@code fal-ai/stable-audio-25/text-to-audio}. */
public final class AudioRequestBuilder extends InvokeRequestBuilder<AudioRequestBuilder> {

    AudioRequestBuilder(String modelId) {
        super(modelId);
    }

    /** What the audio should sound like. */
    public AudioRequestBuilder prompt(String prompt) {
        return input("prompt", Inputs.requireText(prompt, "prompt"));
    }

    /** The length of the audio in seconds (at least 1). */
    public AudioRequestBuilder secondsTotal(int seconds) {
        return input("seconds_total", Inputs.atLeastOne(seconds, "seconds_total"));
    }
}
