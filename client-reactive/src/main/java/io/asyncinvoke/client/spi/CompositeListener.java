package io.asyncinvoke.client.spi;

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
    public void requestStarted(Exchange exchange) {
        for (AsyncInvokeListener listener : listeners) {
            listener.requestStarted(exchange);
        }
    }

    @Override
    public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
        for (AsyncInvokeListener listener : listeners) {
            listener.requestCompleted(exchange, statusCode, error, duration);
        }
    }

    @Override
    public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
        for (AsyncInvokeListener listener : listeners) {
            listener.retryScheduled(exchange, delay, cause);
        }
    }

    @Override
    public void rateLimitWait(Exchange exchange, Duration delay) {
        for (AsyncInvokeListener listener : listeners) {
            listener.rateLimitWait(exchange, delay);
        }
    }

    @Override
    public void budgetStoreUnavailable(String store, Throwable cause) {
        for (AsyncInvokeListener listener : listeners) {
            listener.budgetStoreUnavailable(store, cause);
        }
    }

    @Override
    public void budgetStoreRestored(String store, Duration outage) {
        for (AsyncInvokeListener listener : listeners) {
            listener.budgetStoreRestored(store, outage);
        }
    }

    @Override
    public void jobSubmitted(Exchange exchange, Job job) {
        for (AsyncInvokeListener listener : listeners) {
            listener.jobSubmitted(exchange, job);
        }
    }

    @Override
    public void jobFinished(JobCall call, Job job) {
        for (AsyncInvokeListener listener : listeners) {
            listener.jobFinished(call, job);
        }
    }

    @Override
    public void watchStarted(JobCall call) {
        for (AsyncInvokeListener listener : listeners) {
            listener.watchStarted(call);
        }
    }

    @Override
    public void watchEnded(JobCall call, Throwable error) {
        for (AsyncInvokeListener listener : listeners) {
            listener.watchEnded(call, error);
        }
    }

    @Override
    public String toString() {
        return "CompositeListener" + List.of(listeners);
    }
}
