package io.asyncinvoke.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** P1 compares like with like: every contender sends the same requests for a poll and for a job. */
class ContenderTest {

    private static final int JOBS = 10;

    @Test
    void everyContenderSendsTheSameRequests() {
        // P1's timing (queued 1 ms, a poll every 2 ms) scaled up 50 times, so that a slow machine keeps it
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(50)).runningFor(Duration.ZERO)
                .rateLimit(1_000_000_000, Duration.ofMinutes(1)).start()) {
            Duration every = Duration.ofMillis(100);
            List<Contender> contenders = List.of(Contender.raw(sim.baseUrl(), sim.apiKey(), every),
                    Contender.ours("ours", sim.baseUrl(), sim.apiKey(), every, RequestBudgetOptions.disabled()),
                    Contender.webclient(sim.baseUrl(), sim.apiKey(), every));
            for (Contender c : contenders) {
                sim.journal().clear();
                for (int i = 0; i < JOBS; i++) {
                    c.job("a lighthouse " + i).block(Duration.ofSeconds(10));
                }
                assertThat(sim.journal().count(Endpoint.SUBMIT)).as(c.name() + ": submits").isEqualTo(JOBS);
                // queued 50 ms, then done: the first poll, 100 ms after the submit, sees the end
                assertThat(sim.journal().count(Endpoint.GET)).as(c.name() + ": polls").isEqualTo(JOBS);
                assertThat(sim.journal().count(Endpoint.ANY)).as(c.name() + ": requests").isEqualTo(2 * JOBS);

                String id = sim.journal().requests(Endpoint.GET).get(0).requestId();
                sim.journal().clear();
                c.poll(id).block(Duration.ofSeconds(10));
                assertThat(sim.journal().count(Endpoint.GET)).as(c.name() + ": a poll").isEqualTo(1);
                assertThat(sim.journal().count(Endpoint.ANY)).as(c.name() + ": a poll").isEqualTo(1);
            }
        }
    }
}
