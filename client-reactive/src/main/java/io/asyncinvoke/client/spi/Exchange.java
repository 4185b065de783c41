package io.asyncinvoke.client.spi;

import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP attempt of the client: what it is for, which attempt of its call it is, and the watch
 * it belongs to. Every retry is a new exchange of the same call. Never carries the API key, nor a
 * download URL's query string (which may be a signature).
 */
public final class Exchange extends Attributes {

    private final Operation operation;
    private final int attempt;
    private final String requestId;
    private final String modelId;
    private final String url;
    private final JobCall call;

    /**
     * @param attempt   1 for the first attempt, 2 for its first retry, ...
     * @param requestId the job concerned, or {@code null} (a submit)
     * @param modelId   the model, or {@code null} when unknown
     * @param url       for a download, the URL without its query string; otherwise {@code null}
     * @param call      the watch this attempt belongs to, or {@code null}
     */
    public Exchange(Operation operation, int attempt, String requestId, String modelId, String url, JobCall call) {
        this.operation = Objects.requireNonNull(operation, "operation");
        this.attempt = attempt;
        this.requestId = requestId;
        this.modelId = modelId;
        this.url = url;
        this.call = call;
    }

    /** What was sent. */
    public Operation operation() {
        return operation;
    }

    /** 1 for the first attempt of a call, 2 for its first retry, and so on. */
    public int attempt() {
        return attempt;
    }

    /** The job concerned, when known (not for a submit, whose answer brings it). */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The model, when known. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId != null ? modelId : call == null ? null : call.modelId().orElse(null));
    }

    /** A download's URL without its query string. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** The watch this attempt is part of, when it is. */
    public Optional<JobCall> call() {
        return Optional.ofNullable(call);
    }

    @Override
    public String toString() {
        return "Exchange{" + operation + " #" + attempt + (requestId == null ? "" : ", job " + requestId)
                + (url == null ? "" : ", " + url) + '}';
    }
}
