package io.asyncinvoke.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The rate-limit state a response reported: the {@code ratelimit-limit},
 * {@code ratelimit-remaining} and {@code ratelimit-reset} headers, and {@code Retry-After} when
 * present. Any part may be absent ({@code null}).
 */
public final class RateLimitInfo {

    static final RateLimitInfo NONE = new RateLimitInfo(null, null, null, null);

    private final Integer limit;
    private final Integer remaining;
    private final Instant reset;
    private final Duration retryAfter;

    RateLimitInfo(Integer limit, Integer remaining, Instant reset, Duration retryAfter) {
        this.limit = limit;
        this.remaining = remaining;
        this.reset = reset;
        this.retryAfter = retryAfter;
    }

    /** The number of requests allowed in the window ({@code ratelimit-limit}), or {@code null}. */
    public Integer limit() {
        return limit;
    }

    /** The requests left in the window ({@code ratelimit-remaining}), or {@code null}. */
    public Integer remaining() {
        return remaining;
    }

    /** When the window frees a request ({@code ratelimit-reset}), or {@code null}. */
    public Instant reset() {
        return reset;
    }

    /** How long the server asked to wait ({@code Retry-After}), or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether no header was present at all. */
    public boolean isEmpty() {
        return limit == null && remaining == null && reset == null && retryAfter == null;
    }

    /**
     * The wait the server asked for, measured from {@code nowMillis} (epoch millis): the
     * {@code Retry-After}, else the time to {@code ratelimit-reset} when no request remains;
     * {@code null} when the server asked for none.
     */
    Duration serverRequestedDelay(long nowMillis) {
        if (retryAfter != null) {
            return retryAfter;
        }
        if (remaining != null && remaining <= 0 && reset != null) {
            long millis = reset.toEpochMilli() - nowMillis;
            return millis > 0 ? Duration.ofMillis(millis) : Duration.ZERO;
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RateLimitInfo)) {
            return false;
        }
        RateLimitInfo other = (RateLimitInfo) o;
        return Objects.equals(limit, other.limit) && Objects.equals(remaining, other.remaining)
                && Objects.equals(reset, other.reset) && Objects.equals(retryAfter, other.retryAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limit, remaining, reset, retryAfter);
    }

    @Override
    public String toString() {
        return "RateLimitInfo{limit=" + limit + ", remaining=" + remaining + ", reset=" + reset
                + ", retryAfter=" + retryAfter + '}';
    }
}
