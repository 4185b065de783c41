package io.asyncinvoke.client;

/**
 * No HTTP answer: the connection was refused or lost, or the response timed out, and the retries
 * allowed by {@link RetryOptions} ran out. {@link #requestSent()} tells whether the request may
 * have reached the server.
 */
public final class TransportException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final boolean requestSent;
    private final boolean timeout;
    private final boolean retryable;

    TransportException(String message, String requestId, boolean requestSent, boolean timeout, Throwable cause) {
        this(message, requestId, requestSent, timeout, cause, true);
    }

    /** @param retryable false for a failure another attempt would repeat (a refused TLS certificate) */
    TransportException(String message, String requestId, boolean requestSent, boolean timeout, Throwable cause,
                       boolean retryable) {
        super(message, requestId, cause);
        this.requestSent = requestSent;
        this.timeout = timeout;
        this.retryable = retryable;
    }

    boolean isRetryable() {
        return retryable;
    }

    /** {@code false} only when the request provably never left (the connection failed first). */
    public boolean requestSent() {
        return requestSent;
    }

    /** Whether the failure was a timeout (connect or response). */
    public boolean isTimeout() {
        return timeout;
    }
}
