package io.asyncinvoke.client.spi;

import java.util.Optional;

/**
 * One watch of a job, from its subscription to its end: with the submit before it for
 * {@code submitAndWatch} and {@code invoke}, alone for {@code watch}. The parent of every
 * {@link Exchange} it makes. Its request_id is known from the start for a watch and from the
 * submit's answer on for a submit-and-watch.
 */
public final class JobCall extends Attributes {

    private final String modelId;
    private final boolean withSubmit;
    private volatile String requestId;

    /**
     * @param requestId  the job watched, or {@code null} until a submit answers
     * @param modelId    the model, or {@code null} when unknown (a watch by id alone)
     * @param withSubmit whether the call starts with a submit
     */
    public JobCall(String requestId, String modelId, boolean withSubmit) {
        this.requestId = requestId;
        this.modelId = modelId;
        this.withSubmit = withSubmit;
    }

    /** The job, once known. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The model, when known. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId);
    }

    /** Whether the call began with a submit. */
    public boolean withSubmit() {
        return withSubmit;
    }

    /** Sets the request_id a submit answered (the client does; once). */
    public void submitted(String requestId) {
        if (this.requestId == null) {
            this.requestId = requestId;
        }
    }

    @Override
    public String toString() {
        return "JobCall{" + (requestId == null ? "submitting" : requestId) + (modelId == null ? "" : ", " + modelId) + '}';
    }
}
