package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The blocking client for async-invoke: each method waits for its answer on the calling thread.
 * It delegates to {@link AsyncInvokeAsyncClient}, with the same errors (thrown rather than
 * emitted). Do not call it from a Reactor or Netty event-loop thread (Reactor refuses to block
 * there); reactive code should use the async client. Immutable and thread-safe.
 *
 * <pre>{@code
 * AsyncInvokeClient client = new AsyncInvokeClientBuilder().buildClient();
 * Job job = client.invoke(InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2")
 *         .text("Hello").build(), Duration.ofMinutes(2));
 * }</pre>
 */
public final class AsyncInvokeClient {

    private final AsyncInvokeAsyncClient async;

    /**
     * A blocking client over an existing reactive one, sharing its configuration (e.g. to offer both
     * from one Spring bean). {@link AsyncInvokeClientBuilder#buildClient()} is the usual way.
     */
    public AsyncInvokeClient(AsyncInvokeAsyncClient async) {
        this.async = Objects.requireNonNull(async, "async");
    }

    /** Submits a job and returns it as accepted; see {@link AsyncInvokeAsyncClient#submit}. */
    public Job submit(AsyncInvokeRequest request) {
        return async.submit(request).block();
    }

    /** Reads a job's status; see {@link AsyncInvokeAsyncClient#status}. */
    public JobStatus status(String requestId) {
        return async.status(requestId).block();
    }

    /** Reads a whole job; see {@link AsyncInvokeAsyncClient#get}. */
    public Job get(String requestId) {
        return async.get(requestId).block();
    }

    /**
     * Submits a job and waits up to {@code timeout} for it to end. Returns the completed job;
     * throws {@link JobFailedException} if it failed and {@link AsyncInvokeTimeoutException}
     * (with the request_id, to resume with {@link #watch}) if time ran out.
     */
    public Job invoke(AsyncInvokeRequest request, Duration timeout) {
        return async.invoke(request, async.pollingOptions().withTimeout(timeout)).block();
    }

    /** Submits a job and waits for it with the client's polling timeout; see {@link #invoke(AsyncInvokeRequest, Duration)}. */
    public Job invoke(AsyncInvokeRequest request) {
        return async.invoke(request).block();
    }

    /**
     * Watches a job until it ends, calling {@code onUpdate} for each status change on the polling
     * thread, and returns the terminal update (which carries the job; a {@code FAILED} job is
     * returned, not thrown). An exception thrown by {@code onUpdate} stops the watch and is
     * rethrown.
     */
    public JobUpdate watch(String requestId, Consumer<JobUpdate> onUpdate) {
        Objects.requireNonNull(onUpdate, "onUpdate");
        return async.watch(requestId).doOnNext(onUpdate).blockLast();
    }

    /**
     * Downloads one output file into {@code directory} and returns where it was saved; see
     * {@link AsyncInvokeAsyncClient#download(MediaFile, Path)}.
     */
    public Path download(MediaFile file, Path directory) {
        return async.download(file, directory).block();
    }

    /** As {@link #download(MediaFile, Path)}, with other limits than the client's. */
    public Path download(MediaFile file, Path directory, DownloadOptions options) {
        return async.download(file, directory, options).block();
    }

    /**
     * Downloads every file of a completed job's output into {@code directory} and returns the saved
     * paths in output order; see {@link AsyncInvokeAsyncClient#downloadAll(Job, Path)}.
     */
    public List<Path> downloadAll(Job job, Path directory) {
        return async.downloadAll(job, directory).collectList().block();
    }

    /** The reactive client this one delegates to. */
    public AsyncInvokeAsyncClient async() {
        return async;
    }

    @Override
    public String toString() {
        return "AsyncInvokeClient{" + async + '}';
    }
}
