package io.asyncinvoke.simulator;

import java.util.Map;

/**
 * Which family of rate-limit headers the simulator sends with every API answer
 * ({@link Simulator.Builder#rateLimitHeaders(RateLimitHeaders)}).
 */
public enum RateLimitHeaders {
    /**
     * {@code ratelimit-limit}, {@code ratelimit-remaining} and {@code ratelimit-reset} (Unix epoch
     * seconds when the oldest request of the window expires), as the vendor's OpenAPI declares for
     * the submit call. The default.
     */
    RATELIMIT,
    /**
     * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests} and
     * {@code x-ratelimit-reset-requests}, as DigitalOcean's inference quota documentation names
     * them: the reset is the Unix epoch second when capacity for a request is projected, and
     * {@code 0} while capacity is available.
     */
    X_RATELIMIT_REQUESTS,
    /** Both families on every answer. */
    BOTH,
    /** No rate-limit header at all (a 429 still carries {@code Retry-After}). */
    NONE;

    /** Adds this family's headers for a window of {@code limit} with {@code remaining} left. */
    void put(Map<String, String> headers, int limit, int remaining, long resetEpochSeconds) {
        if (this == RATELIMIT || this == BOTH) {
            headers.put("ratelimit-limit", String.valueOf(limit));
            headers.put("ratelimit-remaining", String.valueOf(remaining));
            headers.put("ratelimit-reset", String.valueOf(resetEpochSeconds));
        }
        if (this == X_RATELIMIT_REQUESTS || this == BOTH) {
            headers.put("x-ratelimit-limit-requests", String.valueOf(limit));
            headers.put("x-ratelimit-remaining-requests", String.valueOf(remaining));
            headers.put("x-ratelimit-reset-requests", remaining > 0 ? "0" : String.valueOf(resetEpochSeconds));
        }
    }
}
