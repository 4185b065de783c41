package io.asyncinvoke.client;

/**
 * A submit was sent, but no usable answer came back (a 5xx, a timeout, or a connection lost after
 * the request left): the job may or may not exist. The client never retries a submit in this
 * state, because doing so could run (and bill) the job twice.
 *
 * <p>{@link #getCause()} is what went wrong ({@link ApiException} or {@link TransportException});
 * {@link #modelId()} names the model; {@link #requestId()} is {@code null} since no job id came
 * back. The API has no call that lists or searches jobs, so a job whose request_id never arrived
 * cannot be found: submit again only if a duplicate is acceptable (it would run, and be billed,
 * twice); otherwise count the request as spent.
 */
public final class SubmitOutcomeUnknownException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final String modelId;

    SubmitOutcomeUnknownException(String modelId, Throwable cause) {
        super("Submit to " + modelId + " was sent but its outcome is unknown (the job may or may not exist; "
                + "not retried to avoid a duplicate job): " + cause.getMessage(), null, cause);
        this.modelId = modelId;
    }

    /** The model the submit was for. */
    public String modelId() {
        return modelId;
    }
}
