package io.asyncinvoke.client;

import java.time.Duration;

/**
 * How single requests are retried: an immutable spec; every {@code withX} returns a new instance.
 *
 * <p>Reads (status and job polls) and downloads are retried on 429, 500, 502, 503, 504, connection
 * failures and response timeouts. A submit is retried only when it provably was not processed: the connection
 * failed before the request was sent, or the server answered 429. Delays grow exponentially from
 * {@link #minBackoff()} to {@link #maxBackoff()} with ±{@link #jitter()}; a {@code Retry-After} (or
 * {@code ratelimit-reset} with nothing remaining) wins when longer. A server asking for a wait
 * longer than {@link #maxServerDelay()} is not waited for: the error surfaces at once.
 *
 * <p>Defaults: 4 attempts in all, 250 ms doubling to 8 s, jitter 0.5, server delays up to 60 s.
 */
public final class RetryOptions {

    private static final RetryOptions DEFAULTS = new RetryOptions(4, Duration.ofMillis(250), Duration.ofSeconds(8),
            0.5, Duration.ofSeconds(60));

    private final int maxAttempts;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxServerDelay;

    private RetryOptions(int maxAttempts, Duration minBackoff, Duration maxBackoff, double jitter,
                         Duration maxServerDelay) {
        this.maxAttempts = maxAttempts;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.maxServerDelay = maxServerDelay;
    }

    /** The defaults described above. */
    public static RetryOptions defaults() {
        return DEFAULTS;
    }

    /** No retries at all: every request is attempted once. */
    public static RetryOptions none() {
        return DEFAULTS.withMaxAttempts(1);
    }

    /** Attempts per request, the first included (at least 1). */
    public RetryOptions withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        return new RetryOptions(maxAttempts, minBackoff, maxBackoff, jitter, maxServerDelay);
    }

    /** Delay before the first retry (positive). */
    public RetryOptions withMinBackoff(Duration minBackoff) {
        return new RetryOptions(maxAttempts, PollingOptions.positive(minBackoff, "minBackoff"), maxBackoff, jitter,
                maxServerDelay);
    }

    /**
     * Upper bound of the exponential delay (at least minBackoff; the pair is checked when a client
     * is built with these options, so they may be set in either order).
     */
    public RetryOptions withMaxBackoff(Duration maxBackoff) {
        return new RetryOptions(maxAttempts, minBackoff, PollingOptions.positive(maxBackoff, "maxBackoff"), jitter,
                maxServerDelay);
    }

    /** Random spread of each delay as a fraction of it (0.0 to 1.0). */
    public RetryOptions withJitter(double jitter) {
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
        }
        return new RetryOptions(maxAttempts, minBackoff, maxBackoff, jitter, maxServerDelay);
    }

    /** The longest server-requested wait ({@code Retry-After}) a retry will honour (zero or more). */
    public RetryOptions withMaxServerDelay(Duration maxServerDelay) {
        return new RetryOptions(maxAttempts, minBackoff, maxBackoff, jitter,
                PollingOptions.nonNegative(maxServerDelay, "maxServerDelay"));
    }

    /** @see #withMaxAttempts(int) */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @see #withMinBackoff(Duration) */
    public Duration minBackoff() {
        return minBackoff;
    }

    /** @see #withMaxBackoff(Duration) */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @see #withJitter(double) */
    public double jitter() {
        return jitter;
    }

    /** @see #withMaxServerDelay(Duration) */
    public Duration maxServerDelay() {
        return maxServerDelay;
    }

    /**
     * Checks what concerns several values at once (min ≤ max backoff), as a client does when built
     * with these options; the {@code withX} methods check one value each, so they may come in any
     * order.
     *
     * @throws IllegalArgumentException naming both values when they do not fit together
     */
    public RetryOptions validate() {
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("RetryOptions: maxBackoff " + DurationFormat.format(maxBackoff)
                    + " is below minBackoff " + DurationFormat.format(minBackoff));
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RetryOptions)) {
            return false;
        }
        RetryOptions other = (RetryOptions) o;
        return maxAttempts == other.maxAttempts && minBackoff.equals(other.minBackoff)
                && maxBackoff.equals(other.maxBackoff) && Double.compare(jitter, other.jitter) == 0
                && maxServerDelay.equals(other.maxServerDelay);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(maxAttempts, minBackoff, maxBackoff, jitter, maxServerDelay);
    }

    @Override
    public String toString() {
        return "RetryOptions{maxAttempts=" + maxAttempts + ", minBackoff=" + DurationFormat.format(minBackoff)
                + ", maxBackoff=" + DurationFormat.format(maxBackoff) + ", jitter=" + jitter + ", maxServerDelay="
                + DurationFormat.format(maxServerDelay) + '}';
    }
}
