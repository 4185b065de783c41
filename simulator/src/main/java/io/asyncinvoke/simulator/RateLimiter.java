package io.asyncinvoke.simulator;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The API's rate limit. Enforced: a sliding window log of at most {@code limit} timestamps.
 * Not enforced (no limit configured): a fixed window counter that only feeds the headers.
 */
final class RateLimiter {

    static final int DEFAULT_LIMIT = 5000;
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private final int limit;
    private final long windowNanos;
    private final boolean enforced;
    private final ArrayDeque<Long> stamps = new ArrayDeque<>();
    private long fixedWindowStart;
    private int fixedCount;
    private boolean started;

    RateLimiter(int limit, Duration window, boolean enforced) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.enforced = enforced;
    }

    int limit() {
        return limit;
    }

    /** The outcome of one request against the limit, and the header values that go with it. */
    static final class Decision {
        final boolean allowed;
        final int limit;
        final int remaining;
        final long resetEpochSeconds;
        final long retryAfterSeconds;

        Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {
            this.allowed = allowed;
            this.limit = limit;
            this.remaining = remaining;
            this.resetEpochSeconds = resetEpochSeconds;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private static long epochSecondsCeil(long nowEpochMillis, long inNanos) {
        long millis = nowEpochMillis + (Math.max(0, inNanos) + 999_999) / 1_000_000;
        return (millis + 999) / 1000;
    }

    synchronized Decision acquire(long nowNanos, long nowEpochMillis) {
        if (!enforced) {
            if (!started || nowNanos - fixedWindowStart >= windowNanos) {
                started = true;
                fixedWindowStart = nowNanos;
                fixedCount = 0;
            }
            fixedCount++;
            long resetIn = fixedWindowStart + windowNanos - nowNanos;
            return new Decision(true, limit, Math.max(0, limit - fixedCount),
                    epochSecondsCeil(nowEpochMillis, resetIn), 0);
        }
        while (!stamps.isEmpty() && nowNanos - stamps.peekFirst() >= windowNanos) {
            stamps.pollFirst();
        }
        if (stamps.size() < limit) {
            stamps.addLast(nowNanos);
            long resetIn = stamps.peekFirst() + windowNanos - nowNanos;
            return new Decision(true, limit, limit - stamps.size(), epochSecondsCeil(nowEpochMillis, resetIn), 0);
        }
        long resetIn = stamps.peekFirst() + windowNanos - nowNanos;
        long retryAfter = Math.max(1, (resetIn + 999_999_999L) / 1_000_000_000L);
        return new Decision(false, limit, 0, epochSecondsCeil(nowEpochMillis, resetIn), retryAfter);
    }
}
