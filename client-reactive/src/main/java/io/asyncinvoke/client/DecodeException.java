package io.asyncinvoke.client;

/**
 * A response body was not the JSON expected: truncated, malformed, or missing a required field.
 * {@link #bodySnippet()} keeps the start of what arrived.
 */
public final class DecodeException extends HttpResponseException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    DecodeException(String message, String requestId, int statusCode, String bodySnippet, Throwable cause) {
        this(message, requestId, statusCode, bodySnippet, cause, true);
    }

    /** @param retryable whether another attempt might read a good answer (a cut body) or not (one too large) */
    DecodeException(String message, String requestId, int statusCode, String bodySnippet, Throwable cause,
                    boolean retryable) {
        super(message, requestId, statusCode, RateLimitInfo.NONE, bodySnippet, cause);
        this.retryable = retryable;
    }

    boolean isRetryable() {
        return retryable;
    }


}
