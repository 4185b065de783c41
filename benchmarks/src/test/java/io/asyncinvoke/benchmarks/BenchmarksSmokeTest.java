package io.asyncinvoke.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each harness, tiny, so that {@code mvn verify} proves they still run. No figure is checked:
 * speed and memory goals are for the full runs (docs/BENCHMARKS.md), never for unit tests.
 */
class BenchmarksSmokeTest {

    private static Simulator zeroLatency() {
        return Simulator.builder().journal(false).queuedFor(Duration.ofMillis(1)).runningFor(Duration.ZERO)
                .rateLimit(1_000_000_000, Duration.ofMinutes(1)).start();
    }

    @Test
    void clientOverheadRunsEveryContender() {
        try (Simulator sim = zeroLatency()) {
            Map<String, ClientOverheadBenchmark.Figures> figures =
                    ClientOverheadBenchmark.run(sim.baseUrl(), sim.apiKey(), 0, 1, 100, 10);

            assertThat(figures).hasSize(5);
            figures.values().forEach(f -> {
                assertThat(f.pollsPerSecond).hasSize(1);
                assertThat(f.jobsPerSecond).hasSize(1);
            });
        }
    }

    @Test
    void watchMemoryMeasuresAFewWatches() throws Exception {
        try (Simulator sim = Simulator.builder().journal(false).queuedFor(Duration.ofHours(1)).start()) {
            WatchMemoryBenchmark.Result result = WatchMemoryBenchmark.run(sim.baseUrl(), sim.apiKey(), 50,
                    Duration.ofMillis(500), Duration.ofMillis(500));

            assertThat(result.watches).isEqualTo(50);
            assertThat(result.threadsAtAll).isPositive();
        }
    }

    @Test
    void rateLimitRunCompletesEveryJob() {
        RateLimitBenchmark.Result result = RateLimitBenchmark.run(20, 60, true);

        assertThat(result.completed).isEqualTo(20);
        assertThat(result.lagSeconds).hasSize(20);
    }

    @Test
    void pollingPoliciesRunOnTheSimulatedClock() {
        var mix = PollingPolicyBenchmark.mix(40, 1);
        for (var policy : PollingPolicyBenchmark.policies().values()) {
            PollingPolicyBenchmark.Outcome outcome = PollingPolicyBenchmark.run(policy, mix);
            assertThat(outcome.completed).isEqualTo(40);
            // the terminal poll reads the whole job: no request follows it
            assertThat(outcome.requestsPerJob).isEqualTo(outcome.pollsPerJob());
        }
    }

    @Test
    void jmhFoundTheBenchmarks() {
        assertThat(getClass().getResource("/META-INF/BenchmarkList")).isNotNull();
    }
}
