package io.asyncinvoke.client;

/**
 * Entry point for building submit requests, one builder per model family:
 *
 * <pre>{@code
 * AsyncInvokeRequest image = InvokeRequests.image("fal-ai/flux/schnell")
 *         .prompt("a lighthouse at dusk").numImages(2).imageSize("landscape_4_3").build();
 * AsyncInvokeRequest audio = InvokeRequests.audio("fal-ai/stable-audio-25/text-to-audio")
 *         .prompt("rain on a tin roof").secondsTotal(20).tag("team", "sound").build();
 * AsyncInvokeRequest speech = InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2")
 *         .text("Hello there").voice("Rachel").build();
 * }</pre>
 */
public final class InvokeRequests {

    private InvokeRequests() {
    }

    /** A request for an image model, e.g. {@code fal-ai/flux/schnell}. */
    public static ImageRequestBuilder image(String modelId) {
        return new ImageRequestBuilder(modelId);
    }

    /** A request for an audio model, e.g. {@code fal-ai/stable-audio-25/text-to-audio}. */
    public static AudioRequestBuilder audio(String modelId) {
        return new AudioRequestBuilder(modelId);
    }

    /** A request for a text-to-speech model, e.g. {@code fal-ai/elevenlabs/tts/multilingual-v2}. */
    public static SpeechRequestBuilder speech(String modelId) {
        return new SpeechRequestBuilder(modelId);
    }

    /** A request for any model, input fields set by name. */
    public static ModelRequestBuilder model(String modelId) {
        return new ModelRequestBuilder(modelId);
    }
}
