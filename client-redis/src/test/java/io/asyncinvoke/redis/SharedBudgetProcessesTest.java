package io.asyncinvoke.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Separate JVMs sharing one key through one Redis, against one simulator that enforces 60 requests
 * per 5 s (the service's limit, time scaled down to keep the test short); each polls its jobs every
 * 250 ms, so that together they ask for about twice what the limit allows.
 */
class SharedBudgetProcessesTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int LIMIT = 60;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    /**
     * The clients' window: the simulator's and a margin. The budget never grants more than the
     * limit in a window, but the simulator counts arrivals, and a loaded machine running four JVMs
     * on two cores delays some requests by a few hundred milliseconds between grant and arrival
     * (one 429 in 90 requests was seen so); 5 % covers 250 ms of such jitter.
     */
    private static final Duration CLIENT_WINDOW = WINDOW.plus(WINDOW.dividedBy(20));

    private static Simulator simulator(Duration running) {
        return Simulator.builder().rateLimit(LIMIT, WINDOW).journalCapacity(10_000)
                .queuedFor(Duration.ofMillis(200)).runningFor(running).start();
    }

    private static String[] args(Simulator sim, String redis, int jobs) {
        return new String[] {sim.baseUrl(), sim.apiKey(), redis, String.valueOf(jobs), String.valueOf(LIMIT),
                String.valueOf(CLIENT_WINDOW.toMillis()), "250"};
    }

    @Test
    void threeProcessesOnOneKeyGetNo429AndShareFairly() throws Exception {
        try (Simulator sim = simulator(Duration.ofSeconds(2));
             Workers workers = Workers.start(3, args(sim, REDIS.server().url(), 12))) {
            workers.go();
            assertThat(workers.await(Duration.ofMinutes(2))).as("nothing hangs: %s", workers.list()).isTrue();

            List<Map<String, Long>> results = workers.list().stream().map(Workers.Worker::result).collect(Collectors.toList());
            assertThat(results).as("%s", workers.list()).allSatisfy(r -> {
                assertThat(r.get("completed")).isEqualTo(12);
                assertThat(r.get("failed")).isZero();
                assertThat(r.get("tooMany")).isZero();
                assertThat(r.get("unavailable")).isZero();
            });
            assertThat(sim.journal().countStatus(429)).as("the simulator answered no 429").isZero();
            assertThat(busiestWindow(sim.journal().requests())).as("the limit was what paced them")
                    .isBetween(LIMIT * 8 / 10, LIMIT);
            // fair: while all three had requests waiting, each was let through a fair part. Dealt at
            // random, one of the three gets under a ninth of some 45 requests in 1 run of 2,000 or fewer
            // (binomial); measured, the smallest part was 7 of 38 in 18 runs.
            List<Long> shares = workers.contendedShares(Duration.ofSeconds(1));
            long contended = shares.stream().mapToLong(Long::longValue).sum();
            assertThat(shares).as("requests sent by each process while all waited: %s of %s", shares, contended)
                    .allSatisfy(n -> assertThat(n * 9).isGreaterThanOrEqualTo(contended));
        }
    }

    /** The most requests the simulator received in any window of {@link #WINDOW}. */
    static int busiestWindow(List<RecordedRequest> requests) {
        List<Instant> at = requests.stream().map(RecordedRequest::receivedAt).sorted().collect(Collectors.toList());
        int most = 0;
        for (int i = 0, j = 0; i < at.size(); i++) {
            while (Duration.between(at.get(j), at.get(i)).compareTo(WINDOW) >= 0) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    @Test
    void redisStoppedMidRunLeavesJobsOnTheLocalBudgetAndStartedAgainIsSharedAgain() throws Exception {
        try (Simulator sim = simulator(Duration.ofSeconds(6));
             Workers workers = Workers.start(2, args(sim, REDIS.server().url(), 6))) {
            workers.go();
            Thread.sleep(2_000);
            REDIS.server().stop();
            Thread.sleep(2_500);
            REDIS.server().start();
            assertThat(workers.await(Duration.ofMinutes(2))).as("nothing hangs: %s", workers.list()).isTrue();

            for (Workers.Worker w : workers.list()) {
                Map<String, Long> r = w.result();
                assertThat(r.get("completed")).as("%s", w).isEqualTo(6);
                assertThat(r.get("failed")).as("%s", w).isZero();
                assertThat(r.get("unavailable")).as("one outage: %s", w).isEqualTo(1);
                assertThat(r.get("restored")).as("the shared budget is used again: %s", w).isEqualTo(1);
                assertThat(w.count("WARN  io.asyncinvoke.client.StoredBudget")).as("the WARN, once: %s", w).isEqualTo(1);
                assertThat(w.count("is unavailable")).isEqualTo(1);
            }
            // used again: the restarted (empty) Redis has the bucket back
            assertThat(REDIS.server().command("DBSIZE")).isNotEqualTo(":0");
        }
    }
}
