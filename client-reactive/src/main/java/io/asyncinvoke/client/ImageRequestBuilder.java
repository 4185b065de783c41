package io.asyncinvoke.client;

import java.util.Map;

/** Builds a request for an image model such as {@code fal-ai/flux/schnell}. */
public final class ImageRequestBuilder extends InvokeRequestBuilder<ImageRequestBuilder> {

    ImageRequestBuilder(String modelId) {
        super(modelId);
    }

    /** What the image should show (required by image models). */
    public ImageRequestBuilder prompt(String prompt) {
        return input("prompt", Inputs.requireText(prompt, "prompt"));
    }

    /** How many images to generate (at least 1). */
    public ImageRequestBuilder numImages(int numImages) {
        return input("num_images", Inputs.atLeastOne(numImages, "num_images"));
    }

    /** A named image size, e.g. {@code square_hd}, {@code landscape_4_3}, {@code portrait_16_9}. */
    public ImageRequestBuilder imageSize(String preset) {
        return input("image_size", Inputs.requireText(preset, "image_size"));
    }

    /** An exact image size in pixels (both at least 1). */
    public ImageRequestBuilder imageSize(int width, int height) {
        return input("image_size", Map.of("width", Inputs.atLeastOne(width, "image_size.width"),
                "height", Inputs.atLeastOne(height, "image_size.height")));
    }

    /** The output format or aspect ratio, as the model names it (e.g. {@code png}, {@code jpeg}). */
    public ImageRequestBuilder outputFormat(String outputFormat) {
        return input("output_format", Inputs.requireText(outputFormat, "output_format"));
    }

    /** Inference steps: more is slower and usually better (at least 1). */
    public ImageRequestBuilder numInferenceSteps(int steps) {
        return input("num_inference_steps", Inputs.atLeastOne(steps, "num_inference_steps"));
    }

    /** How closely the image follows the prompt (a finite number, zero or more). */
    public ImageRequestBuilder guidanceScale(double guidanceScale) {
        return input("guidance_scale", Inputs.guidanceScale(guidanceScale));
    }

    /** Whether the model's safety checker runs. */
    public ImageRequestBuilder enableSafetyChecker(boolean enable) {
        return input("enable_safety_checker", enable);
    }

    /** A seed, for reproducible results where the model supports it. */
    public ImageRequestBuilder seed(long seed) {
        return input("seed", seed);
    }
}
