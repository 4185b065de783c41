package io.asyncinvoke.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The service answered 429 and the retries allowed by {@link RetryOptions} ran out.
 * {@link #retryAfter()} says how long the server asked to wait, when it did.
 */
public final class RateLimitedException extends ApiException {

    private static final long serialVersionUID = 1L;

    RateLimitedException(String message, String requestId, int statusCode, String errorId, String errorMessage,
                         String errorRequestId, RateLimitInfo rateLimit, String bodySnippet) {
        super(message, requestId, statusCode, errorId, errorMessage, errorRequestId, rateLimit, bodySnippet);
    }

    /** The server's {@code Retry-After} (or, for a hold the client enforces, what is left of it), when there is one. */
    public Optional<Duration> retryAfter() {
        return rateLimit().retryAfter();
    }
}
