package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Fans each event out to several listeners. Every method of {@link AsyncInvokeListener} must be
 * forwarded here (a test checks it), or the default no-op would silently swallow it.
 */
final class CompositeListener implements AsyncInvokeListener {

    private final AsyncInvokeListener[] listeners;

    private CompositeListener(AsyncInvokeListener[] listeners) {
        this.listeners = listeners;
    }

    static AsyncInvokeListener of(List<? extends AsyncInvokeListener> listeners) {
        AsyncInvokeListener[] all = listeners.stream()
                .map(listener -> Objects.requireNonNull(listener, "listener"))
                .filter(listener -> listener != NONE)
                .toArray(AsyncInvokeListener[]::new);
        if (all.length == 0) {
            return NONE;
        }
        return all.length == 1 ? all[0] : new CompositeListener(all);
    }

    @Override
    public void requestCompleted(Operation operation, int statusCode, Throwable error, Duration duration) {
        for (AsyncInvokeListener listener : listeners) {
            listener.requestCompleted(operation, statusCode, error, duration);
        }
    }

    @Override
    public void retryScheduled(Operation operation, Duration delay, Throwable cause) {
        for (AsyncInvokeListener listener : listeners) {
            listener.retryScheduled(operation, delay, cause);
        }
    }

    @Override
    public void rateLimitWait(Duration delay) {
        for (AsyncInvokeListener listener : listeners) {
            listener.rateLimitWait(delay);
        }
    }

    @Override
    public void jobSubmitted(String modelId) {
        for (AsyncInvokeListener listener : listeners) {
            listener.jobSubmitted(modelId);
        }
    }

    @Override
    public void jobFinished(Job job) {
        for (AsyncInvokeListener listener : listeners) {
            listener.jobFinished(job);
        }
    }

    @Override
    public void watchStarted() {
        for (AsyncInvokeListener listener : listeners) {
            listener.watchStarted();
        }
    }

    @Override
    public void watchEnded() {
        for (AsyncInvokeListener listener : listeners) {
            listener.watchEnded();
        }
    }

    @Override
    public String toString() {
        return "CompositeListener" + List.of(listeners);
    }
}
