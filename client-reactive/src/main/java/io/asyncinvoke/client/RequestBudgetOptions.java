package io.asyncinvoke.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The request budget one client shares between all its requests (submits, polls, reads, and every
 * retry attempt): an immutable spec of token buckets, one per rate limit; every {@code withX} or
 * {@link #and} returns a new instance.
 *
 * <p>A limit of {@code n} requests per {@code window} becomes a bucket holding at most
 * {@code burst × n} tokens, refilled so that no window of that length ever sees more than
 * {@code n} requests (less a 2 % margin for clock and latency differences). A request takes one
 * token from every bucket; when one is empty, the request waits — without holding a thread — in
 * one first-come, first-served queue, so a watch polling often cannot starve the others.
 *
 * <p>The service's answers adjust the budget: a {@code ratelimit-limit} below the configured
 * limit shrinks it, a {@code ratelimit-remaining} below the tokens left lowers them (another
 * process may share the key), and no request remaining, a 429 or a {@code Retry-After} hold every
 * request until the service's {@code ratelimit-reset} or {@code Retry-After}.
 *
 * <p>Defaults: the service's limits per key, 250 requests per minute and 5000 per hour, with a
 * burst of 20 % (50 requests at once, then 195 per minute; 1000 per hour at once, then 3900 per
 * hour), so an application watching thousands of jobs slows its polling instead of collecting
 * 429s. Use {@link #disabled()} when something else enforces the limit.
 */
public final class RequestBudgetOptions {

    private static final double DEFAULT_BURST = 0.2;
    private static final RequestBudgetOptions DISABLED = new RequestBudgetOptions(List.of(), DEFAULT_BURST);
    private static final RequestBudgetOptions DEFAULTS = of(250, Duration.ofMinutes(1)).and(5000, Duration.ofHours(1));

    private final List<Limit> limits;
    private final double burst;

    private RequestBudgetOptions(List<Limit> limits, double burst) {
        this.limits = limits;
        this.burst = burst;
    }

    /** The service's limits described above: 250 per minute and 5000 per hour, burst 20 %. */
    public static RequestBudgetOptions defaults() {
        return DEFAULTS;
    }

    /** No budget: requests are sent at once; only the server's answers slow them. */
    public static RequestBudgetOptions disabled() {
        return DISABLED;
    }

    /** One limit: at most {@code requests} in any {@code window}, with the default burst. */
    public static RequestBudgetOptions of(int requests, Duration window) {
        return DISABLED.and(requests, window);
    }

    /**
     * This budget plus one more limit (at least 2 requests, positive window); a limit with the same
     * window replaces the one there.
     */
    public RequestBudgetOptions and(int requests, Duration window) {
        if (requests < 2) {
            throw new IllegalArgumentException("requests must be at least 2, was " + requests);
        }
        PollingOptions.positive(window, "window");
        List<Limit> next = new ArrayList<>();
        for (Limit limit : limits) {
            if (!limit.window().equals(window)) {
                next.add(limit);
            }
        }
        next.add(new Limit(requests, window));
        next.sort((a, b) -> a.window().compareTo(b.window()));
        return new RequestBudgetOptions(Collections.unmodifiableList(next), burst);
    }

    /**
     * The share of each limit that may be sent at once, from an idle start (above 0, at most 0.5;
     * default 0.2). A larger burst serves short spikes faster and leaves less for the steady rate.
     */
    public RequestBudgetOptions withBurst(double burst) {
        if (!(burst > 0 && burst <= 0.5)) {
            throw new IllegalArgumentException("burst must be above 0 and at most 0.5, was " + burst);
        }
        return new RequestBudgetOptions(limits, burst);
    }

    /** Whether any limit is set. */
    public boolean isEnabled() {
        return !limits.isEmpty();
    }

    /** @see #withBurst(double) */
    public double burst() {
        return burst;
    }

    /** The limits, shortest window first. */
    List<Limit> limits() {
        return limits;
    }

    @Override
    public String toString() {
        if (limits.isEmpty()) {
            return "RequestBudgetOptions{disabled}";
        }
        StringBuilder out = new StringBuilder("RequestBudgetOptions{");
        for (Limit limit : limits) {
            out.append(limit.requests()).append(" per ").append(DurationFormat.format(limit.window())).append(", ");
        }
        return out.append("burst=").append(burst).append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestBudgetOptions && ((RequestBudgetOptions) o).limits.equals(limits)
                && ((RequestBudgetOptions) o).burst == burst;
    }

    @Override
    public int hashCode() {
        return Objects.hash(limits, burst);
    }

    /** At most {@code requests} in any {@code window}. */
    record Limit(int requests, Duration window) {
    }
}
