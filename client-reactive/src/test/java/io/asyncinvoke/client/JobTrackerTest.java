package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.client.spi.TrackedJob;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link JobTracker} over a simulator and an in-memory store, several trackers standing for
 * several instances. Instances that die are played by a tracker cut off from the store (to the
 * others it is gone); the JVM-process tests of the Redis store kill real processes.
 */
class JobTrackerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Simulator sim;
    private AsyncInvokeAsyncClient client;
    private final JobStore store = JobStore.inMemory();
    private final List<JobTracker> trackers = new ArrayList<>();
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    private final Map<String, String> handledBy = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMillis(100)).start();
        client = client(sim);
    }

    @AfterEach
    void stop() {
        trackers.forEach(JobTracker::close);
        sim.close();
    }

    private static AsyncInvokeAsyncClient client(Simulator sim) {
        // the default budget (250 requests a minute) would pace these polls; the tests are about the tracker
        return new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                .requestBudget(RequestBudgetOptions.disabled())
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(20)))
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(30))
                        .withInterval(Duration.ofMillis(30)).withMaxInterval(Duration.ofMillis(100)))
                .buildAsyncClient();
    }

    private static AsyncInvokeRequest request(String prompt) {
        return InvokeRequests.image("fal-ai/flux/schnell").prompt(prompt).build();
    }

    private JobCompletionHandler counting(String name) {
        return job -> Mono.fromRunnable(() -> {
            handled.computeIfAbsent(job.key(), k -> new AtomicInteger()).incrementAndGet();
            handledBy.put(job.key(), name);
        });
    }

    private JobTracker.Builder tracker(JobStore store, String name) {
        return JobTracker.builder(client).store(store).owner(name).lease(Duration.ofSeconds(1)).handler(counting(name));
    }

    private JobTracker started(JobTracker.Builder builder) {
        JobTracker tracker = builder.start();
        trackers.add(tracker);
        return tracker;
    }

    private long count(State state) {
        return store.counts().block(WAIT).getOrDefault(state, 0L);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aTrackedJobIsSubmittedOnceWatchedAndHandledOnce() {
        JobTracker tracker = started(tracker(store, "one"));

        TrackedJob submitted = tracker.track("cover-1", request("a lighthouse")).block(WAIT);

        assertThat(submitted.state()).isEqualTo(State.SUBMITTED);
        assertThat(submitted.requestId()).isPresent();
        await("the job is handled", () -> count(State.HANDLED) == 1);
        TrackedJob done = tracker.find("cover-1").block(WAIT);
        assertThat(done.job()).hasValueSatisfying(job -> assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED));
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(handled.get("cover-1")).hasValue(1);

        TrackedJob again = tracker.track("cover-1", request("a lighthouse")).block(WAIT);

        assertThat(again.state()).isEqualTo(State.HANDLED);
        assertThat(again.requestId()).isEqualTo(submitted.requestId());
        assertThat(sim.journal().count(Endpoint.SUBMIT)).as("a replayed key sends nothing").isEqualTo(1);
        assertThat(handled.get("cover-1")).hasValue(1);
    }

    @Test
    void oneKeyTrackedManyTimesAtOnceIsSubmittedOnce() {
        JobTracker first = started(tracker(store, "one"));
        JobTracker second = started(tracker(store, "two"));

        List<TrackedJob> records = Flux.range(0, 20)
                .flatMap(i -> (i % 2 == 0 ? first : second).track("same", request("a lighthouse")))
                .collectList().block(WAIT);

        assertThat(records).hasSize(20);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
        await("the job is handled", () -> count(State.HANDLED) == 1);
        assertThat(handled.get("same")).hasValue(1);
    }

    @Test
    void aRefusedSubmitFailsTheCallAndFreesTheKey() {
        JobTracker tracker = started(tracker(store, "one"));
        sim.inject(Fault.status(422).on(Endpoint.SUBMIT).times(1));

        assertThatThrownBy(() -> tracker.track("k", request("x")).block(WAIT))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).statusCode()).isEqualTo(422));
        assertThat(tracker.find("k").block(WAIT)).as("no job exists, so no record").isNull();

        assertThat(tracker.track("k", request("x")).block(WAIT).state()).isEqualTo(State.SUBMITTED);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(2);
    }

    @Test
    void aLostAnswerLeavesTheJobOutcomeUnknownAndItIsNeverResubmitted() {
        JobTracker tracker = started(tracker(store, "one"));
        sim.inject(Fault.status(502).on(Endpoint.SUBMIT).afterProcessing().times(1));

        TrackedJob unknown = tracker.track("k", request("x")).block(WAIT);

        assertThat(unknown.state()).isEqualTo(State.OUTCOME_UNKNOWN);
        assertThat(unknown.problem()).hasValueSatisfying(p -> assertThat(p).contains("502"));
        assertThat(tracker.track("k", request("x")).block(WAIT).state()).isEqualTo(State.OUTCOME_UNKNOWN);
        assertThat(tracker.list(State.OUTCOME_UNKNOWN).map(TrackedJob::key).collectList().block(WAIT))
                .containsExactly("k");
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
    }

    @Test
    void badInputFailsBeforeAnythingIsRecordedOrSent() {
        JobTracker tracker = started(tracker(store, "one"));

        assertThatThrownBy(() -> tracker.track(" ", request("x")).block(WAIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> tracker.track("a\nb", request("x")).block(WAIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+000A");
        AsyncInvokeRequest noModel = new AsyncInvokeRequest();
        assertThatThrownBy(() -> tracker.track("k", noModel).block(WAIT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.counts().block(WAIT)).isEmpty();
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isZero();
        JobTracker notStarted = tracker(store, "two").build();
        assertThatThrownBy(() -> notStarted.track("k", request("x")).block(WAIT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
    }

    @Test
    void withoutAHandlerAFinishedJobIsMarkedHandledWithItsOutputKept() {
        JobTracker tracker = started(JobTracker.builder(client).store(store).lease(Duration.ofSeconds(1)));

        tracker.track("k", request("x")).block(WAIT);

        await("the job is handled", () -> count(State.HANDLED) == 1);
        assertThat(tracker.find("k").block(WAIT).job()).hasValueSatisfying(job -> assertThat(job.getOutput()).isNotEmpty());
    }

    @Test
    void aJobTheServiceForgotEndsExpired() {
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofSeconds(30)).start();
        client = client(sim);
        JobTracker tracker = started(tracker(store, "one"));
        TrackedJob submitted = tracker.track("k", request("x")).block(WAIT);

        sim.expire(submitted.requestId().orElseThrow());

        await("the job expires", () -> count(State.EXPIRED) == 1);
        assertThat(tracker.find("k").block(WAIT).problem()).hasValueSatisfying(p -> assertThat(p).contains("404"));
        assertThat(handled).isEmpty();
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffThenTheJobIsParkedAndCanBeRequeued() {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean healthy = new AtomicBoolean();
        JobTracker tracker = started(JobTracker.builder(client).store(store).lease(Duration.ofSeconds(1))
                .handlerAttempts(3).handlerBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .handler(job -> Mono.defer(() -> {
                    calls.incrementAndGet();
                    return healthy.get() ? Mono.empty() : Mono.error(new IllegalStateException("disk full"));
                })));

        tracker.track("k", request("x")).block(WAIT);

        await("the job is parked", () -> count(State.PARKED) == 1);
        TrackedJob parked = tracker.find("k").block(WAIT);
        assertThat(parked.attempts()).isEqualTo(3);
        assertThat(parked.problem()).hasValueSatisfying(p -> assertThat(p).contains("disk full"));
        assertThat(calls).hasValue(3);

        healthy.set(true);
        assertThat(tracker.requeue("k").block(WAIT).state()).isEqualTo(State.FINISHED);

        await("the requeued job is handled", () -> count(State.HANDLED) == 1);
        assertThat(calls).hasValue(4);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
        assertThatThrownBy(() -> tracker.requeue("k").block(WAIT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHandlerThatHangsCountsAsFailed() {
        AtomicInteger calls = new AtomicInteger();
        JobTracker tracker = started(JobTracker.builder(client).store(store).lease(Duration.ofSeconds(1))
                .handlerAttempts(2).handlerBackoff(Duration.ZERO, Duration.ZERO).handlerTimeout(Duration.ofMillis(100))
                .handler(job -> calls.incrementAndGet() == 1 ? Mono.never() : Mono.empty()));

        tracker.track("k", request("x")).block(WAIT);

        await("the job is handled", () -> count(State.HANDLED) == 1);
        assertThat(calls).hasValue(2);
        assertThat(tracker.find("k").block(WAIT).attempts()).isEqualTo(2);
    }

    @Test
    void anInstanceCutOffFromTheStoreHasItsJobsTakenOverAndHandledOnceElsewhere() {
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(200)).runningFor(Duration.ofSeconds(2)).start();
        client = client(sim);
        CuttableStore cut = new CuttableStore(store);
        JobTracker doomed = started(tracker(cut, "doomed"));
        Flux.range(0, 10).flatMap(i -> doomed.track("job-" + i, request("p" + i))).blockLast(WAIT);

        cut.cut();
        JobTracker survivor = started(tracker(store, "survivor"));

        await("every job is handled", () -> count(State.HANDLED) == 10);
        assertThat(handled).hasSize(10).allSatisfy((key, n) -> assertThat(n).as(key).hasValue(1));
        assertThat(handledBy).allSatisfy((key, by) -> assertThat(by).isEqualTo("survivor"));
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(10);
        assertThat(survivor.ownedCount()).isZero();
    }

    @Test
    void aCleanStopHandsTheLeasesOverAtOnce() {
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(100)).runningFor(Duration.ofSeconds(3)).start();
        client = client(sim);
        JobTracker leaving = started(tracker(store, "leaving").lease(Duration.ofMinutes(5)));
        Flux.range(0, 6).flatMap(i -> leaving.track("job-" + i, request("p" + i))).blockLast(WAIT);
        JobTracker staying = started(tracker(store, "staying"));
        assertThat(leaving.ownedCount()).isEqualTo(6);

        long stopped = System.nanoTime();
        leaving.close();

        await("the other instance owns every job", () -> staying.ownedCount() + count(State.HANDLED) == 6);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("far less than the 5 min lease")
                .isLessThan(Duration.ofSeconds(20));
        await("every job is handled", () -> count(State.HANDLED) == 6);
        assertThat(handledBy).allSatisfy((key, by) -> assertThat(by).isEqualTo("staying"));
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(6);
    }

    @Test
    void aRestartWithTheSameOwnerIdTakesItsJobsBackWithoutWaitingForTheLease() {
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(100)).runningFor(Duration.ofSeconds(1)).start();
        client = client(sim);
        CuttableStore cut = new CuttableStore(store);
        JobTracker before = started(tracker(cut, "pod-0").lease(Duration.ofMinutes(5)));
        Flux.range(0, 5).flatMap(i -> before.track("job-" + i, request("p" + i))).blockLast(WAIT);
        cut.cut(); // it dies without a word to the store

        JobTracker after = started(tracker(store, "pod-0").lease(Duration.ofMinutes(5)));

        await("every job is handled", () -> count(State.HANDLED) == 5);
        assertThat(after.owner()).isEqualTo("pod-0");
        assertThat(handled).allSatisfy((key, n) -> assertThat(n).as(key).hasValue(1));
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(5);
    }

    @Test
    void instancesTakeAFairShareOfTheJobsNobodyOwns() {
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(100)).runningFor(Duration.ofSeconds(2)).start();
        client = client(sim);
        JobTracker submitter = started(tracker(store, "submitter").lease(Duration.ofMinutes(5)));
        Flux.range(0, 30).flatMap(i -> submitter.track("job-" + i, request("p" + i))).blockLast(WAIT);
        List<JobTracker> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(started(tracker(store, "worker-" + i)));
        }
        await("the workers have made themselves known",
                () -> store.heartbeat("probe", Duration.ofMillis(1)).block(WAIT) >= 5);

        submitter.close();

        await("every job is handled", () -> count(State.HANDLED) == 30);
        Map<String, Integer> perWorker = new ConcurrentHashMap<>();
        handledBy.values().forEach(by -> perWorker.merge(by, 1, Integer::sum));
        assertThat(perWorker).containsOnlyKeys("worker-0", "worker-1", "worker-2");
        assertThat(perWorker.values()).allSatisfy(n -> assertThat(n).isBetween(5, 15));
        assertThat(handled).allSatisfy((key, n) -> assertThat(n).as(key).hasValue(1));
    }

    /** A store an instance can be cut off from: every call fails, as if the instance were gone. */
    static final class CuttableStore implements JobStore {
        private final JobStore store;
        private volatile boolean cut;

        CuttableStore(JobStore store) {
            this.store = store;
        }

        void cut() {
            cut = true;
        }

        private <T> Mono<T> gate(Mono<T> call) {
            return Mono.defer(() -> cut ? Mono.error(new IllegalStateException("cut off from the store")) : call);
        }

        private <T> Flux<T> gate(Flux<T> call) {
            return Flux.defer(() -> cut ? Flux.error(new IllegalStateException("cut off from the store")) : call);
        }

        @Override
        public Mono<Insertion> insert(TrackedJob job, Duration lease) {
            return gate(store.insert(job, lease));
        }

        @Override
        public Mono<TrackedJob> find(String key) {
            return gate(store.find(key));
        }

        @Override
        public Mono<TrackedJob> update(String owner, TrackedJob next) {
            return gate(store.update(owner, next));
        }

        @Override
        public Mono<TrackedJob> updateAndRelease(String owner, TrackedJob next, Duration claimableIn) {
            return gate(store.updateAndRelease(owner, next, claimableIn));
        }

        @Override
        public Mono<Boolean> delete(String owner, TrackedJob expected) {
            return gate(store.delete(owner, expected));
        }

        @Override
        public Flux<TrackedJob> claim(String owner, Duration lease, int max) {
            return gate(store.claim(owner, lease, max));
        }

        @Override
        public Flux<String> renew(String owner, Collection<String> keys, Duration lease) {
            return gate(store.renew(owner, keys, lease));
        }

        @Override
        public Mono<Long> releaseAll(String owner) {
            return gate(store.releaseAll(owner));
        }

        @Override
        public Mono<Integer> heartbeat(String owner, Duration ttl) {
            return gate(store.heartbeat(owner, ttl));
        }

        @Override
        public Mono<Void> leave(String owner) {
            return gate(store.leave(owner));
        }

        @Override
        public Mono<Map<State, Long>> counts() {
            return gate(store.counts());
        }

        @Override
        public Flux<TrackedJob> list(State state) {
            return gate(store.list(state));
        }
    }
}
