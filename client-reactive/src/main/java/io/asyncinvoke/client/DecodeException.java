package io.asyncinvoke.client;

/**
 * A response body was not the JSON expected: truncated, malformed, or missing a required field.
 * {@link #bodySnippet()} keeps the start of what arrived.
 */
public final class DecodeException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String bodySnippet;
    private final boolean retryable;

    DecodeException(String message, String requestId, int statusCode, String bodySnippet, Throwable cause) {
        this(message, requestId, statusCode, bodySnippet, cause, true);
    }

    /** @param retryable whether another attempt might read a good answer (a cut body) or not (one too large) */
    DecodeException(String message, String requestId, int statusCode, String bodySnippet, Throwable cause,
                    boolean retryable) {
        super(message, requestId, cause);
        this.statusCode = statusCode;
        this.bodySnippet = bodySnippet;
        this.retryable = retryable;
    }

    boolean isRetryable() {
        return retryable;
    }

    /** The HTTP status of the response. */
    public int statusCode() {
        return statusCode;
    }

    /** The start of the body, for diagnosis. */
    public String bodySnippet() {
        return bodySnippet;
    }
}
