package io.asyncinvoke.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a watch polls a job: an immutable spec in the style of Reactor's {@code RetryBackoffSpec}.
 * Every {@code withX} method returns a new instance.
 *
 * <p>The n-th delay between polls (n = 0, 1, 2, …) is {@code min(maxInterval, interval ×
 * backoffFactor^n)}, spread by ±{@code jitter} so that many watches started together do not poll
 * in lockstep. The first poll after a submit waits {@link #firstDelay()}; {@code watch} of an
 * existing job polls at once. A server's {@code Retry-After}, or its {@code ratelimit-reset} when
 * no request remains, pushes the next poll later: the client never polls before the server asked.
 *
 * <p>Defaults, and why:
 * <ul>
 *   <li>first delay 500 ms — fast image models (flux/schnell) finish in about a second, so the
 *       first answer after a submit is often the interesting one;</li>
 *   <li>interval 500 ms, backoff factor 1.5, maximum interval 5 s — short jobs are seen finishing
 *       within a fraction of a second while long audio jobs settle to one poll every 5 s, far
 *       inside the service's 250 requests per minute per key;</li>
 *   <li>jitter 0.2 — enough to de-synchronise a burst of watches without making delays erratic;</li>
 *   <li>timeout 10 minutes — longer than any documented model takes; a watch that reaches it
 *       ends with {@link AsyncInvokeTimeoutException}, and the job can be watched again.</li>
 *   <li>adaptive — the client learns how long each model's jobs take from the jobs it saw
 *       complete ({@code created_at} to {@code completed_at}; after 3 of them) and then places the
 *       polls of a new job of that model where completions are likely: sparse while a completion
 *       is improbable, about every 0.25 to 1.5 s around the typical duration, growing again in the
 *       tail, never more than the maximum interval apart (the first poll after a submit, like the
 *       first delay, is not a gap between polls: it may wait up to twice the maximum interval
 *       when no completion is likely before). The polls follow a density {@code sqrt(h(t) / 2λ)}
 *       per second, where {@code h(t)} is the learned completion rate at that age — the spacing
 *       that minimises detection delay plus λ per request, with λ = 50 ms — and come within a few
 *       per cent of the requests of the best possible schedule at equal delay. The jitter spreads
 *       the first poll; later adaptive delays keep each watch's phase and are spread by a quarter
 *       of it. On a mix of 3 s image and 20 s audio jobs that is fewer requests than polling every
 *       500 ms and a shorter delay than every 2 s (docs/BENCHMARKS.md). Jobs watched by id alone,
 *       whose model and age are unknown, follow the schedule above.</li>
 *   <li>endpoint {@link PollingEndpoint#JOB} — each poll reads the whole job with
 *       {@code GET /v1/async-invoke/{request_id}}, the call the vendor's SDK and CLI use, so the
 *       answer that shows the end already carries the output: one request per job fewer than
 *       polling the light status and reading the job afterwards.</li>
 * </ul>
 */
public final class PollingOptions {

    private static final PollingOptions DEFAULTS = new PollingOptions(Duration.ofMillis(500), Duration.ofMillis(500),
            1.5, Duration.ofSeconds(5), 0.2, Duration.ofMinutes(10), false, null, PollingEndpoint.JOB);

    private final Duration firstDelay;
    private final Duration interval;
    private final double backoffFactor;
    private final Duration maxInterval;
    private final double jitter;
    private final Duration timeout;
    /** Whether the first delay, interval, backoff factor or maximum interval was set: a fixed schedule asked for. */
    private final boolean scheduleSet;
    /** {@link #withAdaptive(boolean)}, or {@code null}: then adaptive unless a schedule was set. */
    private final Boolean adaptive;
    private final PollingEndpoint endpoint;

    private PollingOptions(Duration firstDelay, Duration interval, double backoffFactor, Duration maxInterval,
                           double jitter, Duration timeout, boolean scheduleSet, Boolean adaptive,
                           PollingEndpoint endpoint) {
        this.firstDelay = firstDelay;
        this.interval = interval;
        this.backoffFactor = backoffFactor;
        this.maxInterval = maxInterval;
        this.jitter = jitter;
        this.timeout = timeout;
        this.scheduleSet = scheduleSet;
        this.adaptive = adaptive;
        this.endpoint = endpoint;
    }

    /** The defaults described above. */
    public static PollingOptions defaults() {
        return DEFAULTS;
    }

    /** Delay before the first poll after a submit (zero or more). */
    public PollingOptions withFirstDelay(Duration firstDelay) {
        return new PollingOptions(nonNegative(firstDelay, "firstDelay"), interval, backoffFactor, maxInterval,
                jitter, timeout, true, adaptive, endpoint);
    }

    /** Delay between the first two polls; later delays grow by the backoff factor (positive). */
    public PollingOptions withInterval(Duration interval) {
        return new PollingOptions(firstDelay, positive(interval, "interval"), backoffFactor, maxInterval, jitter,
                timeout, true, adaptive, endpoint);
    }

    /** Growth of the delay from one poll to the next (1.0 for a fixed interval; at least 1.0). */
    public PollingOptions withBackoffFactor(double backoffFactor) {
        if (!(backoffFactor >= 1.0) || Double.isInfinite(backoffFactor)) {
            throw new IllegalArgumentException("backoffFactor must be a finite number >= 1.0, was " + backoffFactor);
        }
        return new PollingOptions(firstDelay, interval, backoffFactor, maxInterval, jitter, timeout, true, adaptive,
                endpoint);
    }

    /** Upper bound of the delay between polls before jitter (positive). */
    public PollingOptions withMaxInterval(Duration maxInterval) {
        return new PollingOptions(firstDelay, interval, backoffFactor, positive(maxInterval, "maxInterval"), jitter,
                timeout, true, adaptive, endpoint);
    }

    /** Random spread of each delay, as a fraction of it: 0.2 means ±20 % (0.0 to 1.0). */
    public PollingOptions withJitter(double jitter) {
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
        }
        return new PollingOptions(firstDelay, interval, backoffFactor, maxInterval, jitter, timeout, scheduleSet,
                adaptive, endpoint);
    }

    /** How long a watch may take overall before it ends with {@link AsyncInvokeTimeoutException} (positive). */
    public PollingOptions withTimeout(Duration timeout) {
        return new PollingOptions(firstDelay, interval, backoffFactor, maxInterval, jitter,
                positive(timeout, "timeout"), scheduleSet, adaptive, endpoint);
    }

    /**
     * Whether the schedule adapts to each model's learned job durations (see above). Unless said
     * here, it is on, and off once the first delay, interval, backoff factor or maximum interval is
     * set, since that asks for a fixed schedule. Said here, in any order with those, it wins:
     * {@code withAdaptive(true)} keeps learning, with the maximum interval as the longest adaptive
     * delay and the rest for models not learned yet.
     */
    public PollingOptions withAdaptive(boolean adaptive) {
        return new PollingOptions(firstDelay, interval, backoffFactor, maxInterval, jitter, timeout, scheduleSet,
                adaptive, endpoint);
    }

    /**
     * Which call watches poll: {@link PollingEndpoint#JOB} (the default) reads the whole job, so
     * the answer that shows the end is the result; {@link PollingEndpoint#STATUS} polls the light
     * status call and reads the job once at the end, falling back to {@code JOB} when the service
     * does not serve it.
     */
    public PollingOptions withEndpoint(PollingEndpoint endpoint) {
        return new PollingOptions(firstDelay, interval, backoffFactor, maxInterval, jitter, timeout, scheduleSet,
                adaptive, Objects.requireNonNull(endpoint, "endpoint"));
    }

    /** @see #withEndpoint(PollingEndpoint) */
    public PollingEndpoint endpoint() {
        return endpoint;
    }

    /** @see #withAdaptive(boolean) */
    public boolean isAdaptive() {
        return adaptive != null ? adaptive : !scheduleSet;
    }

    /** @see #withFirstDelay(Duration) */
    public Duration firstDelay() {
        return firstDelay;
    }

    /** @see #withInterval(Duration) */
    public Duration interval() {
        return interval;
    }

    /** @see #withBackoffFactor(double) */
    public double backoffFactor() {
        return backoffFactor;
    }

    /** @see #withMaxInterval(Duration) */
    public Duration maxInterval() {
        return maxInterval;
    }

    /** @see #withJitter(double) */
    public double jitter() {
        return jitter;
    }

    /** @see #withTimeout(Duration) */
    public Duration timeout() {
        return timeout;
    }

    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + DurationFormat.format(value));
        }
        return value;
    }

    static Duration nonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + DurationFormat.format(value));
        }
        return value;
    }

    /** Equal when every value it yields is equal, however it was built. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PollingOptions)) {
            return false;
        }
        PollingOptions other = (PollingOptions) o;
        return firstDelay.equals(other.firstDelay) && interval.equals(other.interval)
                && Double.compare(backoffFactor, other.backoffFactor) == 0 && maxInterval.equals(other.maxInterval)
                && Double.compare(jitter, other.jitter) == 0 && timeout.equals(other.timeout)
                && isAdaptive() == other.isAdaptive() && endpoint == other.endpoint;
    }

    @Override
    public int hashCode() {
        return Objects.hash(firstDelay, interval, backoffFactor, maxInterval, jitter, timeout, isAdaptive(), endpoint);
    }

    @Override
    public String toString() {
        return "PollingOptions{firstDelay=" + DurationFormat.format(firstDelay) + ", interval="
                + DurationFormat.format(interval) + ", backoffFactor=" + backoffFactor + ", maxInterval="
                + DurationFormat.format(maxInterval) + ", jitter=" + jitter + ", timeout=" + DurationFormat.format(timeout)
                + ", adaptive=" + isAdaptive() + ", endpoint=" + endpoint + '}';
    }
}
