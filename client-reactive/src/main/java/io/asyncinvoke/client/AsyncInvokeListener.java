package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.List;

/**
 * Receives what the client does, for metrics and tracing. Every method has an empty default, so an
 * implementation overrides only what it needs. Methods are called on the thread where the event
 * happens (often a Netty event loop): they must be quick and must not block or throw.
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

    /**
     * One HTTP attempt ended.
     *
     * @param operation  what was sent
     * @param statusCode the HTTP status, or 0 when no response arrived
     * @param error      the failure, or {@code null} on a 2xx
     * @param duration   from sending to the end of the response
     */
    default void requestCompleted(Operation operation, int statusCode, Throwable error, Duration duration) {
    }

    /** A failed attempt will be retried after {@code delay}. */
    default void retryScheduled(Operation operation, Duration delay, Throwable cause) {
    }

    /**
     * A request waits {@code delay} because the service's rate limit asked for it, or (reported
     * once the wait is over) because the client's {@link RequestBudgetOptions request budget} had no
     * token left.
     */
    default void rateLimitWait(Duration delay) {
    }

    /** A submit was accepted for {@code modelId}. */
    default void jobSubmitted(String modelId) {
    }

    /** A watch saw {@code job} end ({@code COMPLETED} or {@code FAILED}). */
    default void jobFinished(Job job) {
    }

    /** A watch started polling. */
    default void watchStarted() {
    }

    /** A watch ended: completed, failed, timed out or cancelled. */
    default void watchEnded() {
    }
}
