package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One command's client ({@link ClientFactory#connect}), with the command's deadline: {@code --timeout}
 * bounds the whole command, downloads included, from the moment the client is ready (not from the
 * JVM's or the simulator's start-up). Closing it stops the embedded simulator, if any.
 */
final class Connection implements AutoCloseable {

    private final Context context;
    private final AsyncInvokeAsyncClient client;
    private final Duration timeout;
    private final Simulator embedded;
    private final long deadlineNanos;

    Connection(Context context, AsyncInvokeAsyncClient client, Duration timeout, Simulator embedded) {
        this.context = context;
        this.client = client;
        this.timeout = timeout;
        this.embedded = embedded;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    AsyncInvokeAsyncClient client() {
        return client;
    }

    /** The command's {@code --timeout}. */
    Duration timeout() {
        return timeout;
    }

    /** What is left of {@code --timeout} (at least a millisecond). */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /** The client's polling options, bounded by what is left of {@code --timeout}. */
    PollingOptions watchOptions() {
        return client.pollingOptions().withTimeout(remaining());
    }

    /** The human lines of this command on stderr, with elapsed times counted from now. */
    Progress progress() {
        return new Progress(context.err(), context.live(), System.nanoTime());
    }

    /**
     * The answer of {@code call}, waited for at most {@code --timeout}.
     *
     * @throws CommandFailure about job {@code requestId} (null: none yet), when the call failed or no answer came in time
     */
    <T> T await(Mono<T> call, String requestId) {
        try {
            return call.timeout(timeout).block();
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            throw cause instanceof TimeoutException ? CommandFailure.noAnswer((TimeoutException) cause, timeout, requestId)
                    : CommandFailure.about(requestId, cause);
        }
    }

    /**
     * The last of {@code updates} (a watch, bounded by its own timeout), waited for.
     *
     * @throws CommandFailure about the job {@code requestId} names when the watch failed
     */
    JobUpdate last(Flux<JobUpdate> updates, Supplier<String> requestId) {
        try {
            return updates.blockLast();
        } catch (RuntimeException e) {
            throw CommandFailure.about(requestId.get(), e);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
