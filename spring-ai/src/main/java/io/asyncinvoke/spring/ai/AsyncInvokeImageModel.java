package io.asyncinvoke.spring.ai;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.DownloadOptions;
import io.asyncinvoke.client.ImageRequestBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.Image;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageMessage;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.image.ImageResponseMetadata;
import org.springframework.ai.retry.NonTransientAiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring AI's {@link ImageModel} over the async-invoke client: each call is a job of a fal image
 * model ({@code fal-ai/flux/schnell} unless the options name another), submitted and watched to
 * its end by the client (its polling, retries and request budget), so {@link #call} blocks until
 * the job ends, and {@link #generate} is the same without blocking, for WebFlux code.
 *
 * <p>The prompt's text becomes {@code prompt} (several messages are joined by newlines; those of a
 * negative weight become {@code negative_prompt}); the options, merged over this model's defaults
 * ({@link AsyncInvokeImageOptions#merge}), become the other input fields. The response holds one
 * {@link ImageGeneration} per output image, with its URL (and its bytes as base64 with the
 * {@code b64_json} response format) and {@link AsyncInvokeImageGenerationMetadata}; its metadata
 * has {@code request_id}, {@code model}, {@code seed}, {@code has_nsfw_concepts}, {@code timings}
 * and {@code status}, where the output has them.
 *
 * <p>Errors are Spring AI's: {@link JobFailedAiException} (non-transient, with the request_id and
 * the server's message) for a job that ended {@code FAILED},
 * {@link org.springframework.ai.retry.TransientAiException} where a later call may succeed, else
 * {@link NonTransientAiException}; bad options fail with {@link IllegalArgumentException} before
 * anything is sent.
 */
public class AsyncInvokeImageModel implements ImageModel {

    /** fal's named image sizes, by width and height. */
    static final Map<String, int[]> SIZE_PRESETS;

    static {
        Map<String, int[]> presets = new LinkedHashMap<>();
        presets.put("square_hd", new int[] {1024, 1024});
        presets.put("square", new int[] {512, 512});
        presets.put("portrait_4_3", new int[] {768, 1024});
        presets.put("portrait_16_9", new int[] {576, 1024});
        presets.put("landscape_4_3", new int[] {1024, 768});
        presets.put("landscape_16_9", new int[] {1024, 576});
        SIZE_PRESETS = Collections.unmodifiableMap(presets);
    }

    /** The most a {@code b64_json} image may have when no other limit is given. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 32L * 1024 * 1024;

    private final AsyncInvokeAsyncClient client;
    private final AsyncInvokeImageOptions defaults;
    private final DownloadOptions downloads;

    /** Images of {@code fal-ai/flux/schnell} with the model's own defaults. */
    public AsyncInvokeImageModel(AsyncInvokeAsyncClient client) {
        this(client, AsyncInvokeImageOptions.builder().build());
    }

    /** Images with {@code defaults} (a prompt's options are merged over them). */
    public AsyncInvokeImageModel(AsyncInvokeAsyncClient client, AsyncInvokeImageOptions defaults) {
        this(client, defaults, client.downloadOptions().withMaxBytes(
                Math.min(client.downloadOptions().maxBytes(), DEFAULT_MAX_IMAGE_BYTES)));
    }

    /**
     * As {@link #AsyncInvokeImageModel(AsyncInvokeAsyncClient, AsyncInvokeImageOptions)}, with the
     * limits of the downloads the {@code b64_json} response format makes.
     */
    public AsyncInvokeImageModel(AsyncInvokeAsyncClient client, AsyncInvokeImageOptions defaults,
            DownloadOptions downloads) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(defaults, "defaults");
        this.defaults = defaults.getModel() == null ? defaults.mutate().model(AsyncInvokeDefaults.IMAGE_MODEL).build()
                : defaults;
        this.downloads = Objects.requireNonNull(downloads, "downloads");
    }

    /** The defaults a prompt's options are merged over. */
    public AsyncInvokeImageOptions getOptions() {
        return defaults;
    }

    /** Submits the job, waits for it to end, and answers its images; blocks (never on an event loop). */
    @Override
    public ImageResponse call(ImagePrompt prompt) {
        return generate(prompt).block();
    }

    /** As {@link #call}, without blocking: the response once the job completed. */
    public Mono<ImageResponse> generate(ImagePrompt prompt) {
        return Mono.defer(() -> {
            AsyncInvokeImageOptions options = options(prompt);
            AsyncInvokeRequest request = toRequest(prompt, options);
            boolean base64 = AsyncInvokeImageOptions.RESPONSE_FORMAT_B64_JSON.equals(options.getResponseFormat());
            return client.invoke(request).flatMap(job -> base64 ? withBase64(job) : Mono.just(toImageResponse(job, null)));
        }).onErrorMap(AiExceptions::translate);
    }

    /**
     * The job's status changes for {@code prompt}, as the client's {@code submitAndWatch} emits
     * them: the submit's answer (with the request_id), one element per change, and the terminal
     * one, which carries the whole job ({@link #toImageResponse(Job)} reads its images). A job that
     * ends {@code FAILED} is an element, not an error.
     */
    public Flux<JobUpdate> generateAndWatch(ImagePrompt prompt) {
        return Flux.defer(() -> client.submitAndWatch(toRequest(prompt, options(prompt))))
                .onErrorMap(AiExceptions::translate);
    }

    /** The request {@code prompt} makes: what {@link #call} submits. */
    public AsyncInvokeRequest toRequest(ImagePrompt prompt) {
        return toRequest(prompt, options(prompt));
    }

    /** A completed job's images as Spring AI's response (URLs only). */
    public ImageResponse toImageResponse(Job job) {
        return toImageResponse(job, null);
    }

    private AsyncInvokeImageOptions options(ImagePrompt prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return AsyncInvokeImageOptions.merge(prompt.getOptions(), defaults);
    }

    static AsyncInvokeRequest toRequest(ImagePrompt prompt, AsyncInvokeImageOptions options) {
        List<ImageMessage> messages = prompt.getInstructions() == null ? List.of() : prompt.getInstructions();
        String text = messages.stream().filter(m -> m.getWeight() == null || m.getWeight() >= 0)
                .map(ImageMessage::getText).filter(t -> t != null && !t.isBlank()).collect(Collectors.joining("\n"));
        String negative = messages.stream().filter(m -> m.getWeight() != null && m.getWeight() < 0)
                .map(ImageMessage::getText).filter(t -> t != null && !t.isBlank()).collect(Collectors.joining("\n"));
        if (text.isBlank()) {
            throw new IllegalArgumentException("the image prompt has no text");
        }
        String format = options.getResponseFormat();
        if (format != null && !format.equals(AsyncInvokeImageOptions.RESPONSE_FORMAT_URL)
                && !format.equals(AsyncInvokeImageOptions.RESPONSE_FORMAT_B64_JSON)) {
            throw new IllegalArgumentException("responseFormat must be url or b64_json, was " + format);
        }
        ImageRequestBuilder request = InvokeRequests.image(options.getModel()).prompt(text);
        if (!negative.isBlank()) {
            request.input("negative_prompt", negative);
        }
        if (options.getN() != null) {
            request.numImages(options.getN());
        }
        Integer width = options.getWidth();
        Integer height = options.getHeight();
        if (width != null || height != null) {
            if (width == null || height == null) {
                throw new IllegalArgumentException("width and height go together: set both or neither (width="
                        + width + ", height=" + height + ")");
            }
            String preset = preset(width, height);
            if (preset != null) {
                request.imageSize(preset);
            } else {
                request.imageSize(width, height);
            }
        } else if (options.getImageSize() != null) {
            request.imageSize(options.getImageSize());
        }
        if (options.getStyle() != null) {
            request.input("style", options.getStyle());
        }
        if (options.getNumInferenceSteps() != null) {
            request.numInferenceSteps(options.getNumInferenceSteps());
        }
        if (options.getGuidanceScale() != null) {
            request.guidanceScale(options.getGuidanceScale());
        }
        if (options.getSeed() != null) {
            request.seed(options.getSeed());
        }
        if (options.getEnableSafetyChecker() != null) {
            request.enableSafetyChecker(options.getEnableSafetyChecker());
        }
        if (options.getOutputFormat() != null) {
            request.outputFormat(options.getOutputFormat().toLowerCase(Locale.ROOT));
        }
        options.getInput().forEach(request::input);
        options.getTags().forEach(request::tag);
        return request.build();
    }

    /** fal's name for {@code width} x {@code height}, or {@code null}. */
    static @Nullable String preset(int width, int height) {
        return SIZE_PRESETS.entrySet().stream().filter(e -> e.getValue()[0] == width && e.getValue()[1] == height)
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private Mono<ImageResponse> withBase64(Job job) {
        return Flux.fromIterable(JobOutput.of(job).images())
                .concatMap(image -> Outputs.join(client.downloadContent(image.file(), downloads)))
                .map(bytes -> Base64.getEncoder().encodeToString(bytes))
                .collectList()
                .map(encoded -> toImageResponse(job, encoded));
    }

    private static ImageResponse toImageResponse(Job job, @Nullable List<String> base64) {
        List<JobOutput.Image> images = JobOutput.of(job).images();
        if (images.isEmpty()) {
            throw new NonTransientAiException("Job " + job.getRequestId() + " (" + job.getModelId()
                    + ") completed without an image in its output");
        }
        Map<String, Object> output = Outputs.raw(job);
        Long seed = Outputs.longValue(output.get("seed"));
        Object nsfw = output.get("has_nsfw_concepts");
        List<ImageGeneration> generations = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            JobOutput.Image image = images.get(i);
            generations.add(new ImageGeneration(
                    new Image(image.url(), base64 == null ? null : base64.get(i)),
                    new AsyncInvokeImageGenerationMetadata(job.getRequestId(), job.getModelId(), i,
                            image.width().isPresent() ? image.width().getAsInt() : null,
                            image.height().isPresent() ? image.height().getAsInt() : null,
                            image.contentType().orElse(null), seed, Outputs.flag(nsfw, i))));
        }
        ImageResponseMetadata metadata = job.getCreatedAt() == null ? new ImageResponseMetadata()
                : new ImageResponseMetadata(job.getCreatedAt().toInstant().toEpochMilli());
        JobMetadata.put(metadata, job);
        if (seed != null) {
            metadata.put("seed", seed);
        }
        if (nsfw instanceof List) {
            metadata.put("has_nsfw_concepts", List.copyOf((List<?>) nsfw));
        }
        if (output.get("timings") instanceof Map) {
            metadata.put("timings", Collections.unmodifiableMap(new LinkedHashMap<>((Map<?, ?>) output.get("timings"))));
        }
        return new ImageResponse(generations, metadata);
    }
}
