package io.asyncinvoke.client.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} must do, as tests: a store's own test extends this and says how to
 * make an empty store and how to let time pass. Timings only ever err on the safe side: a lease
 * that must hold is long, one that must lapse is short and waited out.
 */
public abstract class JobStoreContract {

    protected static final Duration LONG = Duration.ofMinutes(10);
    protected static final Duration SHORT = Duration.ofMillis(50);
    protected static final Duration BLOCK = Duration.ofSeconds(10);

    /** An empty store (a fresh namespace). */
    protected abstract JobStore store();

    /** Lets at least {@code d} pass on the store's clock. */
    protected abstract void pass(Duration d);

    private static TrackedJob intent(String key, String owner) {
        return TrackedJob.submitting(key, "fal-ai/flux/schnell", owner, Instant.now());
    }

    private static Job completed(String requestId) {
        Job job = new Job();
        job.setRequestId(requestId);
        job.setStatus(JobState.COMPLETED);
        return job;
    }

    private static TrackedJob inserted(JobStore store, String key, String owner, Duration lease) {
        JobStore.Insertion insertion = store.insert(intent(key, owner), lease).block(BLOCK);
        assertThat(insertion.inserted()).isTrue();
        return insertion.job();
    }

    @Test
    void insertRecordsAnIntentLeasedToItsOwner() {
        JobStore store = store();
        Instant before = Instant.now().minusSeconds(5);
        TrackedJob job = inserted(store, "a", "one", LONG);

        assertThat(job.state()).isEqualTo(State.SUBMITTING);
        assertThat(job.version()).isEqualTo(1);
        assertThat(job.owner()).contains("one");
        assertThat(job.leaseUntil()).hasValueSatisfying(until -> assertThat(until).isAfter(before.plus(LONG)));
        TrackedJob found = store.find("a").block(BLOCK);
        assertThat(found).isEqualTo(job);
        assertThat(found.modelId()).isEqualTo("fal-ai/flux/schnell");
        assertThat(store.find("missing").block(BLOCK)).isNull();
    }

    @Test
    void aKnownKeyIsNeverInsertedAgain() {
        JobStore store = store();
        TrackedJob first = inserted(store, "a", "one", LONG);
        TrackedJob submitted = store.update("one", first.submitted("req-1", Instant.now())).block(BLOCK);

        JobStore.Insertion again = store.insert(intent("a", "two"), LONG).block(BLOCK);

        assertThat(again.inserted()).isFalse();
        assertThat(again.job()).isEqualTo(submitted);
        assertThat(again.job().requestId()).contains("req-1");
    }

    @Test
    void concurrentInsertsOfOneKeyLetExactlyOneThrough() throws Exception {
        JobStore store = store();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "k" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String owner = "o" + t;
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.insert(intent(key, owner), LONG).block(BLOCK).inserted();
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(winners).as("inserts of %s that won", key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void updateAppliesOnlyFromTheVersionReadAndByTheOwner() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "a", "one", LONG);

        assertThat(store.update("two", v1.submitted("req-1", Instant.now())).block(BLOCK))
                .as("another owner's write").isNull();
        TrackedJob v2 = store.update("one", v1.submitted("req-1", Instant.now())).block(BLOCK);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.state()).isEqualTo(State.SUBMITTED);
        assertThat(v2.owner()).contains("one");
        assertThat(v2.leaseUntil()).isEqualTo(v1.leaseUntil());
        assertThat(store.update("one", v1.submitted("req-other", Instant.now())).block(BLOCK))
                .as("a write from a stale version").isNull();
        assertThat(store.find("a").block(BLOCK).requestId()).contains("req-1");
    }

    @Test
    void aFinalRecordHasNoOwnerAndIsNeverClaimed() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "a", "one", SHORT);
        TrackedJob v2 = store.update("one", v1.submitted("req-1", Instant.now())).block(BLOCK);
        TrackedJob v3 = store.update("one", v2.finished(completed("req-1"), Instant.now())).block(BLOCK);
        TrackedJob done = store.update("one", v3.handled(Instant.now())).block(BLOCK);

        assertThat(done.state()).isEqualTo(State.HANDLED);
        assertThat(done.owner()).isEmpty();
        assertThat(done.job()).hasValueSatisfying(job -> assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED));
        pass(SHORT.multipliedBy(2));
        assertThat(store.claim("two", LONG, 10).collectList().block(BLOCK)).isEmpty();
        assertThat(store.renew("one", List.of("a"), LONG).collectList().block(BLOCK)).isEmpty();
    }

    @Test
    void anUnfinishedRecordIsClaimedOnlyOnceItsLeaseLapsed() {
        JobStore store = store();
        inserted(store, "held", "one", LONG);
        inserted(store, "lapsing", "one", SHORT);
        pass(SHORT.multipliedBy(3));

        List<TrackedJob> claimed = store.claim("two", LONG, 10).collectList().block(BLOCK);

        assertThat(claimed).extracting(TrackedJob::key).containsExactly("lapsing");
        assertThat(claimed.get(0).owner()).contains("two");
        assertThat(claimed.get(0).version()).as("a lease is not a change of the record").isEqualTo(1);
        assertThat(store.claim("three", LONG, 10).collectList().block(BLOCK)).isEmpty();
        assertThat(store.find("lapsing").block(BLOCK).owner()).contains("two");
    }

    @Test
    void theClaimantWritesAndTheFormerOwnerCannot() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "a", "one", SHORT);
        pass(SHORT.multipliedBy(3));
        TrackedJob claimed = store.claim("two", LONG, 1).blockFirst(BLOCK);

        assertThat(store.update("one", v1.given(State.OUTCOME_UNKNOWN, "x", Instant.now())).block(BLOCK)).isNull();
        assertThat(store.renew("one", List.of("a"), LONG).collectList().block(BLOCK)).isEmpty();
        assertThat(store.update("two", claimed.given(State.OUTCOME_UNKNOWN, "x", Instant.now())).block(BLOCK))
                .extracting(TrackedJob::state).isEqualTo(State.OUTCOME_UNKNOWN);
    }

    @Test
    void claimTakesAtMostMaxAndTheLongestWaitingFirst() {
        JobStore store = store();
        for (int i = 0; i < 5; i++) {
            TrackedJob job = inserted(store, "j" + i, "one", LONG);
            TrackedJob submitted = store.update("one", job.submitted("req-" + i, Instant.now())).block(BLOCK);
            store.updateAndRelease("one", submitted.noted("released " + i, Instant.now()), Duration.ZERO).block(BLOCK);
            pass(Duration.ofMillis(5));
        }

        assertThat(store.claim("two", LONG, 2).collectList().block(BLOCK)).extracting(TrackedJob::key)
                .containsExactlyInAnyOrder("j0", "j1");
        assertThat(store.claim("three", LONG, 10).collectList().block(BLOCK)).extracting(TrackedJob::key)
                .containsExactlyInAnyOrder("j2", "j3", "j4");
    }

    @Test
    void concurrentClaimsNeverHandOneRecordToTwoOwners() throws Exception {
        JobStore store = store();
        int jobs = 200;
        for (int i = 0; i < jobs; i++) {
            TrackedJob job = inserted(store, "j" + i, "dead", SHORT);
            store.update("dead", job.submitted("req-" + i, Instant.now())).block(BLOCK);
        }
        pass(SHORT.multipliedBy(3));
        int owners = 6;
        ExecutorService pool = Executors.newFixedThreadPool(owners);
        Map<String, String> holder = new ConcurrentHashMap<>();
        List<String> doubles = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < owners; t++) {
                String owner = "o" + t;
                done.add(pool.submit(() -> {
                    go.await();
                    while (true) {
                        List<TrackedJob> got = store.claim(owner, LONG, 7).collectList().block(BLOCK);
                        if (got.isEmpty()) {
                            return null;
                        }
                        for (TrackedJob job : got) {
                            String before = holder.putIfAbsent(job.key(), owner);
                            if (before != null) {
                                synchronized (doubles) {
                                    doubles.add(job.key() + " to " + before + " and " + owner);
                                }
                            }
                        }
                    }
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(doubles).isEmpty();
        assertThat(holder).hasSize(jobs);
    }

    @Test
    void renewKeepsWhatTheOwnerHoldsAndSaysWhatItLost() {
        JobStore store = store();
        inserted(store, "kept", "one", SHORT);
        inserted(store, "lost", "one", SHORT);
        assertThat(store.renew("one", List.of("kept"), LONG).collectList().block(BLOCK)).containsExactly("kept");
        pass(SHORT.multipliedBy(3));
        assertThat(store.claim("two", LONG, 10).collectList().block(BLOCK)).extracting(TrackedJob::key)
                .containsExactly("lost");

        assertThat(store.renew("one", List.of("kept", "lost", "never-was"), LONG).collectList().block(BLOCK))
                .containsExactly("kept");
        assertThat(store.find("kept").block(BLOCK).leaseUntil())
                .hasValueSatisfying(until -> assertThat(until).isAfter(Instant.now().plus(LONG).minusSeconds(60)));
    }

    @Test
    void updateAndReleaseFreesTheRecordAfterTheDelay() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "now", "one", LONG);
        TrackedJob v2 = inserted(store, "later", "one", LONG);

        TrackedJob freed = store.updateAndRelease("one", v1.noted("try again", Instant.now()), Duration.ZERO)
                .block(BLOCK);
        store.updateAndRelease("one", v2.noted("try again later", Instant.now()), LONG).block(BLOCK);

        assertThat(freed.owner()).isEmpty();
        assertThat(freed.problem()).contains("try again");
        assertThat(store.updateAndRelease("one", v1.noted("stale", Instant.now()), Duration.ZERO).block(BLOCK))
                .isNull();
        assertThat(store.claim("two", LONG, 10).collectList().block(BLOCK)).extracting(TrackedJob::key)
                .containsExactly("now");
    }

    @Test
    void releaseAllFreesEveryLeaseOfOneOwnerAtOnce() {
        JobStore store = store();
        inserted(store, "a", "one", LONG);
        inserted(store, "b", "one", LONG);
        inserted(store, "c", "other", LONG);

        assertThat(store.releaseAll("one").block(BLOCK)).isEqualTo(2);

        assertThat(store.find("a").block(BLOCK).owner()).isEmpty();
        assertThat(store.claim("two", LONG, 10).collectList().block(BLOCK)).extracting(TrackedJob::key)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(store.releaseAll("one").block(BLOCK)).isZero();
    }

    @Test
    void deleteRemovesOnlyTheVersionReadByItsOwner() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "a", "one", LONG);

        assertThat(store.delete("two", v1).block(BLOCK)).isFalse();
        TrackedJob v2 = store.update("one", v1.noted("moved on", Instant.now())).block(BLOCK);
        assertThat(store.delete("one", v1).block(BLOCK)).isFalse();
        assertThat(store.delete("one", v2).block(BLOCK)).isTrue();
        assertThat(store.find("a").block(BLOCK)).isNull();
        assertThat(store.claim("two", LONG, 10).collectList().block(BLOCK)).isEmpty();
        assertThat(store.insert(intent("a", "two"), LONG).block(BLOCK).inserted()).isTrue();
    }

    @Test
    void heartbeatsCountLiveOwners() {
        JobStore store = store();
        assertThat(store.heartbeat("one", LONG).block(BLOCK)).isEqualTo(1);
        assertThat(store.heartbeat("two", SHORT).block(BLOCK)).isEqualTo(2);
        assertThat(store.heartbeat("one", LONG).block(BLOCK)).isEqualTo(2);
        pass(SHORT.multipliedBy(3));
        assertThat(store.heartbeat("one", LONG).block(BLOCK)).as("two's heartbeat lapsed").isEqualTo(1);
        store.heartbeat("three", LONG).block(BLOCK);
        store.leave("three").block(BLOCK);
        assertThat(store.heartbeat("one", LONG).block(BLOCK)).isEqualTo(1);
    }

    @Test
    void countsAndListsFollowEveryChange() {
        JobStore store = store();
        TrackedJob a = inserted(store, "a", "one", LONG);
        TrackedJob b = inserted(store, "b", "one", LONG);
        inserted(store, "c", "one", LONG);
        store.update("one", a.submitted("req-a", Instant.now())).block(BLOCK);
        store.update("one", b.given(State.OUTCOME_UNKNOWN, "lost answer", Instant.now())).block(BLOCK);

        Map<State, Long> counts = store.counts().block(BLOCK);
        assertThat(counts.getOrDefault(State.SUBMITTING, 0L)).isEqualTo(1);
        assertThat(counts.getOrDefault(State.SUBMITTED, 0L)).isEqualTo(1);
        assertThat(counts.getOrDefault(State.OUTCOME_UNKNOWN, 0L)).isEqualTo(1);
        assertThat(counts.getOrDefault(State.HANDLED, 0L)).isZero();
        List<TrackedJob> unknown = store.list(State.OUTCOME_UNKNOWN).collectList().block(BLOCK);
        assertThat(unknown).extracting(TrackedJob::key).containsExactly("b");
        assertThat(unknown.get(0).problem()).contains("lost answer");
        Set<String> submitting = new HashSet<>();
        store.list(State.SUBMITTING).map(TrackedJob::key).toIterable().forEach(submitting::add);
        assertThat(submitting).containsExactly("c");
    }

    @Test
    void aRecordKeepsEverythingThroughTheStore() {
        JobStore store = store();
        TrackedJob v1 = inserted(store, "öße 🚀 \"quoted\" key", "one", LONG);
        Job job = completed("req-1");
        job.setOutput(Map.of("images", List.of(Map.of("url", "https://example.invalid/a.png", "seed", 123456789012345L))));
        TrackedJob v2 = store.update("one", v1.submitted("req-1", Instant.now())).block(BLOCK);
        TrackedJob v3 = store.update("one", v2.finished(job, Instant.now())).block(BLOCK);
        TrackedJob v4 = store.update("one", v3.handlerFailed("boom", Instant.now())).block(BLOCK);

        TrackedJob found = store.find(v1.key()).block(BLOCK);

        assertThat(found.key()).isEqualTo(v1.key());
        assertThat(found.version()).isEqualTo(4);
        assertThat(found.attempts()).isEqualTo(1);
        assertThat(found.problem()).contains("boom");
        assertThat(found.createdAt()).isEqualTo(v1.createdAt());
        assertThat(found.updatedAt()).isEqualTo(v4.updatedAt());
        assertThat(found.job()).hasValueSatisfying(j -> {
            assertThat(j.getRequestId()).isEqualTo("req-1");
            assertThat(j.getOutput().toString()).contains("123456789012345", "https://example.invalid/a.png");
        });
    }
}
