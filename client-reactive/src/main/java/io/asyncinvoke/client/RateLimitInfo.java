package io.asyncinvoke.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The rate-limit state a response reported. The service is documented with two header families
 * for its request quota, both read: {@code ratelimit-limit}, {@code ratelimit-remaining},
 * {@code ratelimit-reset} (its OpenAPI) and {@code x-ratelimit-limit-requests},
 * {@code x-ratelimit-remaining-requests}, {@code x-ratelimit-reset-requests} (its quota
 * documentation); when both are present, the tighter one is reported. {@code Retry-After} when
 * present. The token quotas of token-metered models ({@code x-ratelimit-*-tokens-per-minute},
 * {@code -tokens-per-day}) are reported too, but the client does not act on them. Any part may be
 * absent (an empty {@code Optional}).
 */
public final class RateLimitInfo {

    static final RateLimitInfo NONE = new RateLimitInfo(null, null, null, null);

    /**
     * The longest wait an answer can ask for: the longest window the service documents (its hourly
     * limit). A longer {@code Retry-After} or reset is garbled or hostile; it is clamped, never
     * fatal, so one answer cannot overflow a timer or hold a client for years.
     */
    static final Duration MAX_SERVER_WAIT = Duration.ofHours(1);

    private final Integer limit;
    private final Integer remaining;
    private final Instant reset;
    private final Duration retryAfter;
    private final TokenQuota tokensPerMinute;
    private final TokenQuota tokensPerDay;

    RateLimitInfo(Integer limit, Integer remaining, Instant reset, Duration retryAfter) {
        this(limit, remaining, reset, retryAfter, null, null);
    }

    RateLimitInfo(Integer limit, Integer remaining, Instant reset, Duration retryAfter, TokenQuota tokensPerMinute,
                  TokenQuota tokensPerDay) {
        this.limit = limit;
        this.remaining = remaining;
        this.reset = reset;
        this.retryAfter = retryAfter;
        this.tokensPerMinute = tokensPerMinute;
        this.tokensPerDay = tokensPerDay;
    }

    /**
     * The number of requests allowed in the window ({@code ratelimit-limit} or
     * {@code x-ratelimit-limit-requests}, the lower when both came), if it was sent.
     */
    public OptionalInt limit() {
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    /** The requests left ({@code ratelimit-remaining} or {@code x-ratelimit-remaining-requests}), if it was sent. */
    public OptionalInt remaining() {
        return remaining == null ? OptionalInt.empty() : OptionalInt.of(remaining);
    }

    /**
     * When the window frees a request ({@code ratelimit-reset}, or {@code x-ratelimit-reset-requests},
     * whose {@code 0} means capacity is available now), if it was sent.
     */
    public Optional<Instant> reset() {
        return Optional.ofNullable(reset);
    }

    /** How long the server asked to wait ({@code Retry-After}), if it was sent. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The token-per-minute quota of a token-metered model ({@code x-ratelimit-*-tokens-per-minute}), if it was sent. */
    public Optional<TokenQuota> tokensPerMinute() {
        return Optional.ofNullable(tokensPerMinute);
    }

    /** The token-per-day quota of a token-metered model ({@code x-ratelimit-*-tokens-per-day}), if it was sent. */
    public Optional<TokenQuota> tokensPerDay() {
        return Optional.ofNullable(tokensPerDay);
    }

    /** The same, with {@code retryAfter} in place of what it said (a hold the client reports itself). */
    RateLimitInfo withRetryAfter(Duration retryAfter) {
        return new RateLimitInfo(limit, remaining, reset, retryAfter, tokensPerMinute, tokensPerDay);
    }

    // null for absent, for the client's hot path: no Optional per answer
    Integer limitOrNull() {
        return limit;
    }

    Integer remainingOrNull() {
        return remaining;
    }

    /** Whether no request-quota header nor {@code Retry-After} was present (token quotas aside). */
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
            return clamp(retryAfter);
        }
        if (remaining != null && remaining <= 0 && reset != null) {
            long millis = reset.getEpochSecond() > Long.MAX_VALUE / 2000 ? Long.MAX_VALUE
                    : reset.toEpochMilli() - nowMillis;
            return millis > 0 ? clamp(Duration.ofMillis(millis)) : Duration.ZERO;
        }
        return null;
    }

    static Duration clamp(Duration wait) {
        return wait.compareTo(MAX_SERVER_WAIT) > 0 ? MAX_SERVER_WAIT : wait;
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
                && Objects.equals(reset, other.reset) && Objects.equals(retryAfter, other.retryAfter)
                && Objects.equals(tokensPerMinute, other.tokensPerMinute) && Objects.equals(tokensPerDay, other.tokensPerDay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limit, remaining, reset, retryAfter, tokensPerMinute, tokensPerDay);
    }

    @Override
    public String toString() {
        return "RateLimitInfo{limit=" + limit + ", remaining=" + remaining + ", reset=" + reset
                + ", retryAfter=" + retryAfter
                + (tokensPerMinute == null ? "" : ", tokensPerMinute=" + tokensPerMinute)
                + (tokensPerDay == null ? "" : ", tokensPerDay=" + tokensPerDay) + '}';
    }

    /** A token quota as the service reported it: capacity, what is left, when it refills. Parts may be {@code null}. */
    public static final class TokenQuota {
        private final Long limit;
        private final Long remaining;
        private final Instant reset;

        TokenQuota(Long limit, Long remaining, Instant reset) {
            this.limit = limit;
            this.remaining = remaining;
            this.reset = reset;
        }

        /** The bucket's capacity in tokens, if it was sent. */
        public OptionalLong limit() {
            return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
        }

        /** The tokens left after the request, if it was sent. */
        public OptionalLong remaining() {
            return remaining == null ? OptionalLong.empty() : OptionalLong.of(remaining);
        }

        /** When enough tokens are projected again, if it was sent. */
        public Optional<Instant> reset() {
            return Optional.ofNullable(reset);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenQuota && Objects.equals(limit, ((TokenQuota) o).limit)
                    && Objects.equals(remaining, ((TokenQuota) o).remaining) && Objects.equals(reset, ((TokenQuota) o).reset);
        }

        @Override
        public int hashCode() {
            return Objects.hash(limit, remaining, reset);
        }

        @Override
        public String toString() {
            return "TokenQuota{limit=" + limit + ", remaining=" + remaining + ", reset=" + reset + '}';
        }
    }
}
