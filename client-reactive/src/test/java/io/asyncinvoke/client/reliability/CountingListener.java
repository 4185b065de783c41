package io.asyncinvoke.client.reliability;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
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
    public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
                Operation operation = exchange.operation();
        attempts.add(new Attempt(operation, statusCode, error));
    }

    @Override
    public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
                Operation operation = exchange.operation();
        retries.add(new Retry(operation, delay, cause));
    }

    @Override
    public void watchStarted(JobCall call) {
        watchesStarted.increment();
    }

    @Override
    public void watchEnded(JobCall call, Throwable error) {
        watchesEnded.increment();
    }

    long attempts(Operation operation) {
        return attempts.stream().filter(a -> a.operation == operation).count();
    }

    long retries(Operation operation) {
        return retries.stream().filter(r -> r.operation == operation).count();
    }
}
