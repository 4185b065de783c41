package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.JobCall;
import java.nio.file.Path;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reactive client for async-invoke. Build one with {@link AsyncInvokeClientBuilder}, share it:
 * it is immutable and thread-safe.
 *
 * <p>Every method is lazy (nothing is sent until subscription) and cancellable. Bad input
 * ({@link IllegalArgumentException}) fails the subscription before any request is sent. Other
 * errors are {@link AsyncInvokeException}s: {@link ApiException} and its subtypes for error
 * answers, {@link TransportException} when no answer came, {@link DecodeException} for a body
 * that is not the expected JSON, {@link SubmitOutcomeUnknownException} when a submit may or may
 * not have created a job.
 *
 * <pre>{@code
 * AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().buildAsyncClient();
 * client.submitAndWatch(InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse").build())
 *       .subscribe(update -> System.out.println(update.status()));
 * }</pre>
 */
public final class AsyncInvokeAsyncClient {

    private final JobApi api;
    private final JobWatcher watcher;
    private final StatusEndpoint statusEndpoint;
    private final PollingOptions pollingOptions;
    private final AsyncInvokeListener listener;
    private final String endpoint;
    private final MediaDownloader downloader;
    private final DownloadOptions downloadOptions;

    AsyncInvokeAsyncClient(JobApi api, PollingOptions pollingOptions, AsyncInvokeListener listener, String endpoint,
                           MediaDownloader downloader, DownloadOptions downloadOptions) {
        this.api = api;
        this.downloader = downloader;
        this.downloadOptions = downloadOptions;
        this.statusEndpoint = new StatusEndpoint(api);
        this.watcher = new JobWatcher(api, listener, statusEndpoint, new JobDurations());
        this.pollingOptions = pollingOptions;
        this.listener = listener;
        this.endpoint = endpoint;
    }

    /**
     * Submits a job. Emits the job as the service accepted it (usually {@code QUEUED}; a server
     * that finished synchronously may answer it {@code COMPLETED}). A submit is retried only when it
     * provably was not processed (the connection failed before sending, or a 429); after a 5xx or a
     * timeout it fails with {@link SubmitOutcomeUnknownException} instead of risking a duplicate.
     */
    public Mono<Job> submit(AsyncInvokeRequest request) {
        return submitResponse(request).map(ApiResponse::value);
    }

    /**
     * Reads a job's status with the light {@code GET /v1/async-invoke/{request_id}/status}, which
     * only a how-to guide documents; when the service does not serve it (404, 405 or 501 for a job
     * that {@link #get} knows), the status comes from the whole job, then and for the rest of this
     * client's life. Fails with {@link NotFoundException} for an unknown or expired id.
     */
    public Mono<JobStatus> status(String requestId) {
        return Mono.defer(() -> statusEndpoint.read(Inputs.requireRequestId(requestId))).map(ApiResponse::value);
    }

    /**
     * Reads a whole job with {@code GET /v1/async-invoke/{request_id}}: {@code output} once
     * {@code COMPLETED}, {@code error} once {@code FAILED}. Fails with {@link NotFoundException}
     * for an unknown or expired id.
     */
    public Mono<Job> get(String requestId) {
        return Mono.defer(() -> api.job(Inputs.requireRequestId(requestId))).map(ApiResponse::value);
    }

    /**
     * Watches a job with the client's {@link PollingOptions}; see {@link #watch(String, PollingOptions)}.
     */
    public Flux<JobUpdate> watch(String requestId) {
        return watch(requestId, pollingOptions);
    }

    /**
     * Watches any job by its request_id — one submitted by another process, or before a restart.
     *
     * <p>Emits the current status first, then one element per status change (not per poll), and
     * completes right after the terminal element ({@code COMPLETED} or {@code FAILED}), which
     * carries the whole job. A {@code FAILED} job is an element, not an error. Polls
     * {@code GET /v1/async-invoke/{request_id}} (or the call {@link PollingOptions#endpoint()}
     * names), never two polls at once.
     * Cancelling stops polling at once. Fails with {@link AsyncInvokeTimeoutException} (naming the
     * last status) when {@code options.timeout()} elapses first, or with the error of a poll whose
     * retries ran out.
     */
    public Flux<JobUpdate> watch(String requestId, PollingOptions options) {
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> watcher.watch(Inputs.requireRequestId(requestId), options));
    }

    /** Submits a job and watches it; see {@link #submitAndWatch(AsyncInvokeRequest, PollingOptions)}. */
    public Flux<JobUpdate> submitAndWatch(AsyncInvokeRequest request) {
        return submitAndWatch(request, pollingOptions);
    }

    /**
     * Submits a job and watches it to the end. The first element is the submit's answer (with the
     * job, so its request_id is known at once); then one element per status change, ending with
     * the terminal one. Errors as {@link #submit} and {@link #watch(String, PollingOptions)}.
     */
    public Flux<JobUpdate> submitAndWatch(AsyncInvokeRequest request, PollingOptions options) {
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> {
            JobCall call = new JobCall(null, request == null ? null : request.getModelId(), true);
            return watcher.observed(call, submitResponse(request)
                    .flatMapMany(submitted -> {
                        call.submitted(submitted.value().getRequestId());
                        return watcher.watchSubmitted(submitted, options, call);
                    }));
        });
    }

    /** Submits a job and waits for it; see {@link #invoke(AsyncInvokeRequest, PollingOptions)}. */
    public Mono<Job> invoke(AsyncInvokeRequest request) {
        return invoke(request, pollingOptions);
    }

    /**
     * Submits a job, waits for it to end, and emits the completed job with its {@code output}.
     * Fails with {@link JobFailedException} (request_id and the server's error message) if it
     * ends {@code FAILED}, and otherwise as {@link #submitAndWatch(AsyncInvokeRequest, PollingOptions)}.
     */
    public Mono<Job> invoke(AsyncInvokeRequest request, PollingOptions options) {
        return submitAndWatch(request, options).last().flatMap(AsyncInvokeAsyncClient::completedJob);
    }

    /**
     * Downloads one output file into {@code directory} (created if missing) and emits the path it
     * was saved under. The body is streamed to a hidden part file in that directory and moved into
     * place only once complete, so a failed or cancelled download leaves nothing behind.
     *
     * <p>The file is named after the output's {@code file_name} when present and safe (any
     * directory part dropped; names with {@code ..} or control characters refused), else the URL's
     * last path segment, else {@code <request_id>-<n>}; with the extension of the content type
     * ({@code .png}, {@code .jpg}, {@code .webp}, {@code .wav}, {@code .mp3}, {@code .ogg},
     * {@code .flac}, {@code .mp4}), else the URL's, else {@code .bin}. An existing file is never
     * overwritten: {@code -1}, {@code -2}, ... is added instead.
     *
     * <p><b>The API key is never sent</b>: output URLs point to other hosts. Redirects are followed
     * (to http and https only). Retried like reads ({@link RetryOptions}: 429, 5xx, connection
     * errors, timeouts). Bounded by the client's {@link DownloadOptions}: size (and the output's
     * {@code file_size}) and overall time. Fails with {@link IllegalArgumentException} for a URL that
     * is not http(s), {@link DownloadException} for an error status or a body over its limit,
     * {@link TransportException} when no complete answer came in time, and
     * {@link java.io.UncheckedIOException} when the file cannot be written. A file name the file
     * system refuses falls back to {@code <request_id>-<n>}.
     */
    public Mono<Path> download(MediaFile file, Path directory) {
        return downloader.download(file, directory, downloadOptions);
    }

    /** As {@link #download(MediaFile, Path)}, with other limits than the client's. */
    public Mono<Path> download(MediaFile file, Path directory, DownloadOptions options) {
        return downloader.download(file, directory, options);
    }

    /**
     * Streams one output file's body as it arrives, without saving it: its bytes in order, in
     * chunks as the network delivers them (each array is the caller's), for code that passes media
     * on (a WebFlux response, a player) or keeps it in memory. The same rules as
     * {@link #download(MediaFile, Path)}: <b>the API key is never sent</b>, redirects to http(s)
     * only, the client's {@link DownloadOptions} bound the size (and the output's
     * {@code file_size}: the chunk that would pass it fails the stream with a
     * {@link DownloadException} instead of being emitted) and the overall time. Retried like a
     * download only until the first chunk is emitted: a failure after that fails the stream, since
     * a retry would start again from the first byte.
     */
    public Flux<byte[]> downloadContent(MediaFile file) {
        return downloader.content(file, downloadOptions);
    }

    /** As {@link #downloadContent(MediaFile)}, with other limits than the client's. */
    public Flux<byte[]> downloadContent(MediaFile file, DownloadOptions options) {
        return downloader.content(file, options);
    }

    /**
     * Downloads every file of a completed job's output ({@link JobOutput#files()}) into
     * {@code directory}, one after the other in output order, emitting each saved path; see
     * {@link #download(MediaFile, Path)}. Completes empty for a job without output.
     */
    public Flux<Path> downloadAll(Job job, Path directory) {
        return downloadAll(job, directory, downloadOptions);
    }

    /** As {@link #downloadAll(Job, Path)}, each file with {@code options}' limits. */
    public Flux<Path> downloadAll(Job job, Path directory, DownloadOptions options) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> Flux.fromIterable(JobOutput.of(job).files()))
                .concatMap(file -> downloader.download(file, directory, options));
    }

    /** The download limits of this client ({@link AsyncInvokeClientBuilder#downloadOptions(DownloadOptions)}). */
    public DownloadOptions downloadOptions() {
        return downloadOptions;
    }

    /** The polling options watches use unless given others. */
    public PollingOptions pollingOptions() {
        return pollingOptions;
    }

    private Mono<ApiResponse<Job>> submitResponse(AsyncInvokeRequest request) {
        return Mono.defer(() -> api.submit(Inputs.requireValid(request)))
                .doOnNext(response -> {
                    if (listener != AsyncInvokeListener.NONE) {
                        listener.jobSubmitted(response.source() == null ? null : response.source().exchange(),
                                response.value());
                    }
                });
    }

    private static Mono<Job> completedJob(JobUpdate update) {
        Job job = update.job().orElse(null);
        if (update.state() == JobState.FAILED && job != null) {
            return Mono.error(new JobFailedException(job));
        }
        if (job == null || update.state() != JobState.COMPLETED) {
            return Mono.error(new AsyncInvokeException("Job " + update.requestId() + " ended without a result (status "
                    + update.status() + ")", update.requestId(), null));
        }
        return Mono.just(job);
    }

    @Override
    public String toString() {
        return "AsyncInvokeAsyncClient{endpoint=" + endpoint + ", polling=" + pollingOptions + '}';
    }
}
