package io.asyncinvoke.client;

import java.util.Optional;

/**
 * Base of every error this client raises. Unchecked; catch this type to handle them all.
 *
 * <p>{@link #requestId()} names the job the error concerns when one is known, so the caller can
 * resume watching it later.
 */
public class AsyncInvokeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String requestId;

    /**
     * @param message   what went wrong, for humans
     * @param requestId the job's request_id, or {@code null} when there is none
     * @param cause     the underlying failure, or {@code null}
     */
    public AsyncInvokeException(String message, String requestId, Throwable cause) {
        super(message, cause);
        this.requestId = requestId;
    }

    /** The request_id of the job this error concerns, when one is known. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }
}
