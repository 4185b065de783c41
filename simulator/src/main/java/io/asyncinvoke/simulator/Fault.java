package io.asyncinvoke.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A misbehaviour to inject with {@link Simulator#inject(Fault)}: an immutable description, built
 * fluently, e.g. {@code Fault.status(503).on(Endpoint.STATUS).times(3)}.
 *
 * <p>Defaults: aimed at {@link Endpoint#ANY}, applied to every matching request (until
 * {@link Simulator#clearFaults()}) unless limited by {@link #times(int)} and/or sampled with
 * {@link #rate(double)}. Faults are checked in injection order; the first one that fires wins.
 *
 * <p><b>Before or after processing.</b> {@link #status}, {@link #rateLimited},
 * {@link #htmlErrorPage}, {@link #connectionReset}, {@link #hang} and {@link #delay} act
 * <em>before</em> the request is processed by default: a faulted submit creates no job. Call
 * {@link #afterProcessing()} to process first (a submit creates its job) and then misbehave, which
 * models the case where a client must not blindly retry a submit. The faults that mangle a real
 * response ({@link #connectionResetMidResponse}, {@link #trickle}, {@link #truncatedJson},
 * {@link #malformedJson}) always act after processing.
 */
public final class Fault {

    /** What a fault does. */
    public enum Kind {
        /** An HTTP error status with the JSON error envelope. */
        STATUS,
        /** 429 with {@code Retry-After} and {@code ratelimit-remaining: 0}. */
        RATE_LIMITED,
        /** A proxy-style {@code text/html} error page. */
        HTML_ERROR_PAGE,
        /** The connection is reset (TCP RST) without any response. */
        CONNECTION_RESET,
        /** Headers and part of the body are sent, then the connection is reset. */
        CONNECTION_RESET_MID_RESPONSE,
        /** The response is sent late. */
        DELAY,
        /** No response at all, until the client gives up or the simulator closes. */
        HANG,
        /** The real response, sent slowly in small chunks. */
        TRICKLE,
        /** The real status and headers, with a JSON body cut in half (Content-Length matches the cut). */
        TRUNCATED_JSON,
        /** The real status, with a body that is not valid JSON. */
        MALFORMED_JSON;

        /** Whether the fault alters the real answer, which therefore exists first. */
        boolean manglesAnswer() {
            return this == CONNECTION_RESET_MID_RESPONSE || this == TRICKLE || this == TRUNCATED_JSON
                    || this == MALFORMED_JSON;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration duration;
    private final int chunkBytes;
    private final Endpoint endpoint;
    private final int times;
    private final double rate;
    private final int after;
    private final boolean afterProcessing;
    private final Predicate<RecordedRequest> condition;

    private Fault(Kind kind, int status, Duration duration, int chunkBytes, Endpoint endpoint, int times,
            double rate, int after, boolean afterProcessing, Predicate<RecordedRequest> condition) {
        this.kind = kind;
        this.status = status;
        this.duration = duration;
        this.chunkBytes = chunkBytes;
        this.endpoint = endpoint;
        this.times = times;
        this.rate = rate;
        this.after = after;
        this.afterProcessing = afterProcessing;
        this.condition = condition;
    }

    private static Fault of(Kind kind, int status, Duration duration, int chunkBytes) {
        return new Fault(kind, status, duration, chunkBytes, Endpoint.ANY, -1, 1.0, 0, kind.manglesAnswer(), null);
    }

    private static int errorStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 400..599, not " + status);
        }
        return status;
    }

    private static Duration nonNegative(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return d;
    }

    /**
     * Answer {@code status} (400..599, typically 500, 502, 503 or 504) with the JSON error
     * envelope {@code {"id","message","request_id"}}.
     */
    public static Fault status(int status) {
        return of(Kind.STATUS, errorStatus(status), Duration.ZERO, 0);
    }

    /**
     * Answer 429 with the envelope, {@code Retry-After} (whole seconds, rounded up),
     * {@code ratelimit-remaining: 0} and {@code ratelimit-reset} = now + retryAfter.
     */
    public static Fault rateLimited(Duration retryAfter) {
        return of(Kind.RATE_LIMITED, 429, nonNegative(retryAfter), 0);
    }

    /** Answer a proxy-style HTML error page ({@code text/html}, no rate-limit headers) with {@code status}. */
    public static Fault htmlErrorPage(int status) {
        return of(Kind.HTML_ERROR_PAGE, errorStatus(status), Duration.ZERO, 0);
    }

    /** Reset the connection (TCP RST) without sending a byte. */
    public static Fault connectionReset() {
        return of(Kind.CONNECTION_RESET, 0, Duration.ZERO, 0);
    }

    /** Send the real status, headers (with the full Content-Length) and half the body, then reset. */
    public static Fault connectionResetMidResponse() {
        return of(Kind.CONNECTION_RESET_MID_RESPONSE, 0, Duration.ZERO, 0);
    }

    /** Answer normally, but only after {@code delay}. */
    public static Fault delay(Duration delay) {
        return of(Kind.DELAY, 0, nonNegative(delay), 0);
    }

    /** Never answer; the connection stays open until the client gives up or the simulator closes. */
    public static Fault hang() {
        return of(Kind.HANG, 0, Duration.ZERO, 0);
    }

    /** Send the real response in 16-byte chunks, waiting {@code perChunk} before each. */
    public static Fault trickle(Duration perChunk) {
        return trickle(perChunk, 16);
    }

    /** Send the real response in {@code chunkBytes}-byte chunks, waiting {@code perChunk} before each. */
    public static Fault trickle(Duration perChunk, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes < 1");
        }
        return of(Kind.TRICKLE, 0, nonNegative(perChunk), chunkBytes);
    }

    /** Send the real status and headers with the body cut in half; Content-Length matches what is sent. */
    public static Fault truncatedJson() {
        return of(Kind.TRUNCATED_JSON, 0, Duration.ZERO, 0);
    }

    /** Send the real status with {@code application/json} and a body that is not valid JSON. */
    public static Fault malformedJson() {
        return of(Kind.MALFORMED_JSON, 0, Duration.ZERO, 0);
    }

    private Fault copy(Endpoint endpoint, int times, double rate, int after, boolean afterProcessing,
            Predicate<RecordedRequest> condition) {
        return new Fault(kind, status, duration, chunkBytes, endpoint, times, rate, after, afterProcessing,
                condition);
    }

    /** Aim the fault at one kind of request (default {@link Endpoint#ANY}: every request, media included). */
    public Fault on(Endpoint endpoint) {
        return copy(Objects.requireNonNull(endpoint, "endpoint"), times, rate, after, afterProcessing, condition);
    }

    /** Fire at most {@code n} times, then stay inert (default: unlimited). */
    public Fault times(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        return copy(endpoint, n, rate, after, afterProcessing, condition);
    }

    /** Fire with probability {@code p} (0..1) on each eligible request, drawn from the simulator's seeded Random. */
    public Fault rate(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("rate must be within 0..1, not " + p);
        }
        return copy(endpoint, times, p, after, afterProcessing, condition);
    }

    /** Let the first {@code n} matching requests through untouched before the fault becomes eligible. */
    public Fault after(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        return copy(endpoint, times, rate, n, afterProcessing, condition);
    }

    /**
     * Only for requests that also satisfy {@code condition} (e.g. {@code r -> id.equals(r.requestId())}).
     * It runs on an event-loop thread: it must be quick and must not block.
     */
    public Fault when(Predicate<RecordedRequest> condition) {
        return copy(endpoint, times, rate, after, afterProcessing, Objects.requireNonNull(condition, "condition"));
    }

    /** Process the request first (a submit creates its job), then misbehave. */
    public Fault afterProcessing() {
        return copy(endpoint, times, rate, after, true, condition);
    }

    /**
     * Misbehave instead of processing (a submit creates no job). The default, except for the
     * faults that mangle a real response, which ignore this.
     */
    public Fault beforeProcessing() {
        return copy(endpoint, times, rate, after, mangles(), condition);
    }

    private boolean mangles() {
        return kind == Kind.CONNECTION_RESET_MID_RESPONSE || kind == Kind.TRICKLE
                || kind == Kind.TRUNCATED_JSON || kind == Kind.MALFORMED_JSON;
    }

    /** What the fault does. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status it answers, or 0 when it keeps the real one or sends none. */
    public int httpStatus() {
        return status;
    }

    /** The endpoint it is aimed at. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Whether it acts after the request was processed. */
    public boolean isAfterProcessing() {
        return afterProcessing;
    }

    Duration duration() {
        return duration;
    }

    int chunkBytes() {
        return chunkBytes;
    }

    int maxTimes() {
        return times;
    }

    double probability() {
        return rate;
    }

    int skipFirst() {
        return after;
    }

    Predicate<RecordedRequest> condition() {
        return condition;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT)).append('(');
        if (status != 0) {
            sb.append(status);
        }
        if (!duration.isZero()) {
            sb.append(status != 0 ? ", " : "").append(duration);
        }
        sb.append(")");
        sb.append(" on ").append(endpoint);
        if (times >= 0) {
            sb.append(" times ").append(times);
        }
        if (rate < 1) {
            sb.append(" rate ").append(rate);
        }
        if (after > 0) {
            sb.append(" after ").append(after);
        }
        if (afterProcessing) {
            sb.append(" afterProcessing");
        }
        return sb.toString();
    }
}
