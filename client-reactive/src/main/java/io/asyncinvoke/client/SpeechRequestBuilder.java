package io.asyncinvoke.client;

/** Builds a request for a text-to-speech model such as {@code fal-ai/elevenlabs/tts/multilingual-v2}. */
public final class SpeechRequestBuilder extends InvokeRequestBuilder<SpeechRequestBuilder> {

    SpeechRequestBuilder(String modelId) {
        super(modelId);
    }

    /** The text to speak. */
    public SpeechRequestBuilder text(String text) {
        return input("text", Inputs.requireText(text, "text"));
    }

    /** The voice, as the model names it (e.g. {@code Rachel}). */
    public SpeechRequestBuilder voice(String voice) {
        return input("voice", Inputs.requireText(voice, "voice"));
    }
}
