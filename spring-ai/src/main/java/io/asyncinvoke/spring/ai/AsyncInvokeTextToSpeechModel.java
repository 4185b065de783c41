package io.asyncinvoke.spring.ai;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.DownloadOptions;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.client.MediaFile;
import io.asyncinvoke.client.SpeechRequestBuilder;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.ai.audio.tts.Speech;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.audio.tts.TextToSpeechResponse;
import org.springframework.ai.audio.tts.TextToSpeechResponseMetadata;
import org.springframework.ai.retry.NonTransientAiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring AI's {@link TextToSpeechModel} over the async-invoke client: each call is a job of a fal
 * text-to-speech model ({@value #DEFAULT_MODEL} unless the options name another). {@link #call}
 * waits for the job and answers the audio's bytes, downloaded from the output's URL;
 * {@link #stream} emits the audio as chunks while it downloads; {@link #generate} is
 * {@link #call} without blocking.
 *
 * <p>The text becomes {@code text}. Voice, format and speed go where the model takes them:
 * <ul>
 *   <li>{@code fal-ai/elevenlabs/...}: voice as {@code voice} (e.g. {@code Rachel}), speed as
 *       {@code speed}; the audio is MP3, so a format other than {@code mp3} is refused;</li>
 *   <li>any other model: voice as {@code voice}, speed as {@code speed}; a format is refused, since
 *       models name it differently: give the model's own field with
 *       {@link AsyncInvokeSpeechOptions.Builder#input(String, Object)}.</li>
 * </ul>
 *
 * <p>Downloads never send the API key to the media host (the client's rule) and are bounded by
 * the {@link DownloadOptions} given (by default the client's, capped at
 * {@value #DEFAULT_MAX_AUDIO_BYTES} bytes, since {@code call} holds the audio in memory). Errors
 * as {@link AsyncInvokeImageModel}'s: {@link JobFailedAiException} for a {@code FAILED} job,
 * transient and non-transient {@code AiException}s for the rest.
 */
public class AsyncInvokeTextToSpeechModel implements TextToSpeechModel {

    /** The model used unless the options name another. */
    public static final String DEFAULT_MODEL = "fal-ai/elevenlabs/tts/multilingual-v2";

    /** The most audio a call holds in memory when no other limit is given (64 MiB, over an hour of MP3). */
    public static final long DEFAULT_MAX_AUDIO_BYTES = 64L * 1024 * 1024;

    private final AsyncInvokeAsyncClient client;
    private final AsyncInvokeSpeechOptions defaults;
    private final DownloadOptions downloads;

    /** Speech of {@value #DEFAULT_MODEL} with the model's own defaults. */
    public AsyncInvokeTextToSpeechModel(AsyncInvokeAsyncClient client) {
        this(client, AsyncInvokeSpeechOptions.builder().build());
    }

    /** Speech with {@code defaults} (a prompt's options are merged over them). */
    public AsyncInvokeTextToSpeechModel(AsyncInvokeAsyncClient client, AsyncInvokeSpeechOptions defaults) {
        this(client, defaults, client.downloadOptions().withMaxBytes(
                Math.min(client.downloadOptions().maxBytes(), DEFAULT_MAX_AUDIO_BYTES)));
    }

    /** As {@link #AsyncInvokeTextToSpeechModel(AsyncInvokeAsyncClient, AsyncInvokeSpeechOptions)}, with the audio downloads' limits. */
    public AsyncInvokeTextToSpeechModel(AsyncInvokeAsyncClient client, AsyncInvokeSpeechOptions defaults,
            DownloadOptions downloads) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(defaults, "defaults");
        this.defaults = defaults.getModel() == null ? defaults.mutate().model(DEFAULT_MODEL).build() : defaults;
        this.downloads = Objects.requireNonNull(downloads, "downloads");
    }

    /** The defaults a prompt's options are merged over. */
    @Override
    public AsyncInvokeSpeechOptions getOptions() {
        return defaults;
    }

    /** Submits the job, waits for it, and answers the whole audio; blocks (never on an event loop). */
    @Override
    public TextToSpeechResponse call(TextToSpeechPrompt prompt) {
        return generate(prompt).block();
    }

    /** As {@link #call}, without blocking. */
    public Mono<TextToSpeechResponse> generate(TextToSpeechPrompt prompt) {
        return Mono.defer(() -> client.invoke(toRequest(prompt)))
                .flatMap(job -> {
                    MediaFile file = audioFile(job);
                    return Outputs.join(client.downloadContent(file, downloads))
                            .map(bytes -> new TextToSpeechResponse(List.of(new Speech(bytes)), metadata(job, file)));
                })
                .onErrorMap(AiExceptions::translate);
    }

    /**
     * Submits the job, waits for it, then emits the audio in chunks as it downloads: each response
     * holds one chunk (their concatenation is the file) and the job's metadata. A failure after
     * the first chunk ends the stream with the error (it is not retried, which would repeat audio).
     */
    @Override
    public Flux<TextToSpeechResponse> stream(TextToSpeechPrompt prompt) {
        return Mono.defer(() -> client.invoke(toRequest(prompt)))
                .flatMapMany(job -> {
                    MediaFile file = audioFile(job);
                    TextToSpeechResponseMetadata metadata = metadata(job, file);
                    return client.downloadContent(file, downloads)
                            .map(chunk -> new TextToSpeechResponse(List.of(new Speech(chunk)), metadata));
                })
                .onErrorMap(AiExceptions::translate);
    }

    /** The request {@code prompt} makes: what {@link #call} submits. */
    public AsyncInvokeRequest toRequest(TextToSpeechPrompt prompt) {
        Objects.requireNonNull(prompt, "prompt");
        String text = prompt.getInstructions() == null ? null : prompt.getInstructions().getText();
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the text to speak is empty");
        }
        AsyncInvokeSpeechOptions options = AsyncInvokeSpeechOptions.merge(prompt.getOptions(), defaults);
        String model = options.getModel();
        SpeechRequestBuilder request = InvokeRequests.speech(model).text(text);
        if (options.getVoice() != null) {
            request.voice(options.getVoice());
        }
        if (options.getSpeed() != null) {
            double speed = options.getSpeed();
            if (!(speed > 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be a positive number, was " + speed);
            }
            request.input("speed", speed);
        }
        if (options.getFormat() != null) {
            String format = options.getFormat().trim().toLowerCase(Locale.ROOT);
            if (!(isElevenLabs(model) && format.equals("mp3"))) {
                throw new IllegalArgumentException(isElevenLabs(model)
                        ? model + " answers MP3 only: format " + options.getFormat() + " cannot be had"
                        : "format is not mapped for " + model + ": give the model's own field with "
                                + "AsyncInvokeSpeechOptions.builder().input(name, value)");
            }
        }
        options.getInput().forEach(request::input);
        options.getTags().forEach(request::tag);
        return request.build();
    }

    private static boolean isElevenLabs(String model) {
        return model.startsWith("fal-ai/elevenlabs/");
    }

    private static MediaFile audioFile(Job job) {
        JobOutput output = JobOutput.of(job);
        if (!output.audio().isEmpty()) {
            return output.audio().get(0).file();
        }
        throw new NonTransientAiException("Job " + job.getRequestId() + " (" + job.getModelId()
                + ") completed without audio in its output");
    }

    private static TextToSpeechResponseMetadata metadata(Job job, MediaFile file) {
        TextToSpeechResponseMetadata metadata = new TextToSpeechResponseMetadata();
        JobMetadata.put(metadata, job);
        metadata.put("url", file.url());
        file.contentType().ifPresent(type -> metadata.put("content_type", type));
        file.fileName().ifPresent(name -> metadata.put("file_name", name));
        if (file.fileSize().isPresent()) {
            metadata.put("file_size", file.fileSize().getAsLong());
        }
        return metadata;
    }
}
