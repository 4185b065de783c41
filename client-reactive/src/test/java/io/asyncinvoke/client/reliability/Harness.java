package io.asyncinvoke.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.simulator.Dispatcher;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the reliability tests share: a distinctive API key, explicit client settings, and a way to
 * run a call with a hard bound so that a hang fails the test instead of stalling the build.
 */
final class Harness {

    /** Distinctive, so that a leak anywhere (logs, messages, other hosts) is found by a plain search. */
    static final String KEY = "sk-do-reliability-7f3a9c2e41b84d06a5e1";

    /** Fast, explicit retries: 4 attempts, 20 ms doubling to 200 ms, server waits up to 5 s honoured. */
    static final RetryOptions RETRY = RetryOptions.defaults().withMaxAttempts(4).withMinBackoff(Duration.ofMillis(20))
            .withMaxBackoff(Duration.ofMillis(200)).withJitter(0.2).withMaxServerDelay(Duration.ofSeconds(5));

    /** Fast, explicit polling: 20 ms, fixed, small jitter, 30 s overall. */
    static final PollingOptions POLLING = PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
            .withInterval(Duration.ofMillis(20)).withBackoffFactor(1.0).withMaxInterval(Duration.ofMillis(20))
            .withJitter(0.1).withTimeout(Duration.ofSeconds(30));

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

    /** The most any single call in these tests may take before it counts as hung. */
    static final Duration HANG_BOUND = Duration.ofSeconds(60);

    static final String IMAGE_MODEL = "fal-ai/flux/schnell";

    private Harness() {
    }

    /** A simulator with short jobs (30 ms queued, 60 ms running) that accepts {@link #KEY}. */
    static Simulator.Builder simulator() {
        return Simulator.builder().apiKey(KEY).seed(5).queuedFor(Duration.ofMillis(30)).runningFor(Duration.ofMillis(60));
    }

    /** A server on loopback that answers what {@code dispatcher} says, byte for byte, and journals every request. */
    static Simulator scripted(Dispatcher dispatcher) {
        return Simulator.builder().dispatcher(dispatcher).start();
    }

    /** Every setting the tests rely on, stated; tests change only what they are about. */
    static AsyncInvokeClientBuilder client(String endpoint) {
        return new AsyncInvokeClientBuilder().endpoint(endpoint).apiKey(KEY)
                .connectTimeout(CONNECT_TIMEOUT).responseTimeout(RESPONSE_TIMEOUT)
                .retryOptions(RETRY).pollingOptions(POLLING)
                // These simulators enforce no limit, and the soak alone sends ~40,000 requests in
                // half a minute; the budget's own behaviour is tested in RequestBudget*Test.
                .requestBudget(RequestBudgetOptions.disabled());
    }

    static AsyncInvokeAsyncClient client(Simulator sim) {
        return client(sim.baseUrl()).buildAsyncClient();
    }

    static AsyncInvokeRequest image(String prompt) {
        return InvokeRequests.image(IMAGE_MODEL).prompt(prompt).numImages(1).build();
    }

    /** How a call ended: a value or an error, never "still running". */
    static final class Outcome<T> {
        final T value;
        final Throwable error;
        final Duration took;

        Outcome(T value, Throwable error, Duration took) {
            this.value = value;
            this.error = error;
            this.took = took;
        }

        T value() {
            if (error != null) {
                throw new AssertionError("expected a value, got " + error, error);
            }
            return value;
        }

        <E extends Throwable> E error(Class<E> type) {
            assertThat(error).as("the call's error").isInstanceOf(type);
            return type.cast(error);
        }
    }

    /** Subscribes, waits at most {@code bound}, and fails the test if the call did not end by then. */
    static <T> Outcome<T> await(Mono<T> call, Duration bound) {
        long start = System.nanoTime();
        CompletableFuture<T> future = call.toFuture();
        try {
            T value = future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome<>(value, null, Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause(), Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail("the call did not end within " + bound + ": it hangs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    static <T> Outcome<T> await(Mono<T> call) {
        return await(call, HANG_BOUND);
    }

    /** A watch's updates and how it ended. */
    static final class WatchResult {
        final List<JobUpdate> updates;
        final Throwable error;

        WatchResult(List<JobUpdate> updates, Throwable error) {
            this.updates = updates;
            this.error = error;
        }

        JobUpdate last() {
            assertThat(updates).as("updates").isNotEmpty();
            return updates.get(updates.size() - 1);
        }

        List<String> statuses() {
            List<String> out = new ArrayList<>();
            updates.forEach(u -> out.add(u.status()));
            return out;
        }
    }

    static WatchResult awaitWatch(Flux<JobUpdate> watch, Duration bound) {
        List<JobUpdate> updates = Collections.synchronizedList(new ArrayList<>());
        Outcome<List<JobUpdate>> outcome = await(watch.doOnNext(updates::add).collectList(), bound);
        return new WatchResult(new ArrayList<>(updates), outcome.error);
    }

    static WatchResult awaitWatch(Flux<JobUpdate> watch) {
        return awaitWatch(watch, HANG_BOUND);
    }

    /** The key must appear nowhere in an error: messages, toString() and causes, suppressed included. */
    static void assertNoKey(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>();
        todo.add(error);
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY);
            assertThat(t.toString()).doesNotContain(KEY);
            assertThat(String.valueOf(t.getLocalizedMessage())).doesNotContain(KEY);
            todo.add(t.getCause());
            Collections.addAll(todo, t.getSuppressed());
        }
    }
}
