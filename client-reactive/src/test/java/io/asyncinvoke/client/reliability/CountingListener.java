package io.asyncinvoke.client.reliability;

import io.asyncinvoke.client.AsyncInvokeListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** Records what the client reports: each attempt and each retry it schedules. Non-blocking. */
class CountingListener implements AsyncInvokeListener {

    /** One HTTP attempt as the client saw it. */
    static final class Attempt {
        final Operation operation;
        final int status;
        final Throwable error;

        Attempt(Operation operation, int status, Throwable error) {
            this.operation = operation;
            this.status = status;
            this.error = error;
        }
    }

    /** One retry the client scheduled. */
    static final class Retry {
        final Operation operation;
        final Duration delay;
        final Throwable cause;

        Retry(Operation operation, Duration delay, Throwable cause) {
            this.operation = operation;
            this.delay = delay;
            this.cause = cause;
        }
    }

    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    final List<Retry> retries = new CopyOnWriteArrayList<>();
    final LongAdder watchesStarted = new LongAdder();
    final LongAdder watchesEnded = new LongAdder();

    @Override
    public void requestCompleted(Operation operation, int statusCode, Throwable error, Duration duration) {
        attempts.add(new Attempt(operation, statusCode, error));
    }

    @Override
    public void retryScheduled(Operation operation, Duration delay, Throwable cause) {
        retries.add(new Retry(operation, delay, cause));
    }

    @Override
    public void watchStarted() {
        watchesStarted.increment();
    }

    @Override
    public void watchEnded() {
        watchesEnded.increment();
    }

    long attempts(Operation operation) {
        return attempts.stream().filter(a -> a.operation == operation).count();
    }

    long retries(Operation operation) {
        return retries.stream().filter(r -> r.operation == operation).count();
    }
}
