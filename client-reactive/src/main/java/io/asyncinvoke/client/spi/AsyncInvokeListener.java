package io.asyncinvoke.client.spi;

import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.List;

/**
 * Receives what the client does, for metrics and tracing. Every method has an empty default, so an
 * implementation overrides only what it needs. Methods are called on the thread where the event
 * happens (often a Netty event loop): they must be quick and must not block or throw.
 *
 * <p>Each event names what it belongs to, as OkHttp's {@code EventListener} gets the call: an HTTP
 * attempt is an {@link Exchange}, and a watch (with the submit before it, when there is one) is a
 * {@link JobCall}, the parent of the exchanges it makes. Both carry attributes for a listener's own
 * per-call state (a timer sample, an observation).
 *
 * <p>Arguments never carry the API key. Tag meters with low-cardinality values only (operation,
 * model, status class), never with a request_id.
 */
public interface AsyncInvokeListener {

    /** The kinds of request the client sends. */
    enum Operation {
        /** {@code POST /v1/async-invoke}. */
        SUBMIT,
        /** {@code GET /v1/async-invoke/{request_id}/status}, the light status call. */
        STATUS,
        /** {@code GET /v1/async-invoke/{request_id}}: a read of the whole job, and each poll of a watch by default. */
        GET,
        /** A download of an output file from a media host. */
        DOWNLOAD
    }

    /** A listener that ignores everything. */
    AsyncInvokeListener NONE = new AsyncInvokeListener() {
    };

    /**
     * One listener that passes every event to each of {@code listeners}, in order (e.g. metrics
     * and tracing side by side). No listener: {@link #NONE}; one: that listener itself.
     */
    static AsyncInvokeListener of(List<? extends AsyncInvokeListener> listeners) {
        return CompositeListener.of(listeners);
    }

    /** As {@link #of(List)}. */
    static AsyncInvokeListener of(AsyncInvokeListener... listeners) {
        return CompositeListener.of(List.of(listeners));
    }

    /** An HTTP attempt is about to be sent (after any wait for the request budget). */
    default void requestStarted(Exchange exchange) {
    }

    /**
     * An HTTP attempt ended.
     *
     * @param statusCode the HTTP status, or 0 when no response arrived
     * @param error      the failure, or {@code null} on a 2xx
     * @param duration   from sending to the end of the response
     */
    default void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
    }

    /** The failed attempt {@code exchange} will be retried after {@code delay}. */
    default void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
    }

    /**
     * A request waited {@code delay} because the client's request budget had no token left
     * (reported once the wait is over), or will wait because the service's rate limit asked for
     * it. {@code exchange} is the attempt that waited, or the answer that asked for the wait.
     */
    default void rateLimitWait(Exchange exchange, Duration delay) {
    }

    /**
     * The client's {@link BudgetStore} failed or did not answer in time: its requests count on the
     * client's own, in-process budget from now on, until the store answers again. Once per outage,
     * not per request.
     *
     * @param store what {@code toString()} of the store says (no credentials)
     * @param cause the failure, or the timeout
     */
    default void budgetStoreUnavailable(String store, Throwable cause) {
    }

    /**
     * The {@link BudgetStore} answered again after an outage: the shared budget is used again.
     *
     * @param outage how long the client counted on its own budget
     */
    default void budgetStoreRestored(String store, Duration outage) {
    }

    /**
     * The service accepted {@code job} (with its request_id), in answer to {@code exchange} (whose
     * {@link Exchange#call()} is the submit-and-watch it began, if any).
     */
    default void jobSubmitted(Exchange exchange, Job job) {
    }

    /** A watch saw {@code job} end ({@code COMPLETED} or {@code FAILED}). */
    default void jobFinished(JobCall call, Job job) {
    }

    /** A watch started: polling, or the submit before it. */
    default void watchStarted(JobCall call) {
    }

    /** A watch ended: completed, failed, timed out or cancelled ({@code error} is the failure, or {@code null}). */
    default void watchEnded(JobCall call, Throwable error) {
    }
}
