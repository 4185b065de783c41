package io.asyncinvoke.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tracker's gauges, over a real tracker, client and simulator. */
class JobTrackerMetersTest {

    @Test
    void ownedJobsAndTheStoresCountsByStateAreGauged() throws InterruptedException {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMillis(300)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .requestBudget(RequestBudgetOptions.disabled())
                    .pollingOptions(PollingOptions.defaults().withAdaptive(false).withFirstDelay(Duration.ofMillis(50))
                            .withInterval(Duration.ofMillis(50)))
                    .buildAsyncClient();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (JobTracker tracker = JobTracker.builder(client).lease(Duration.ofMillis(500)).start()) {
                new JobTrackerMeters(tracker).bindTo(registry);
                assertThat(registry.get(JobTrackerMeters.STORE_UP).gauge().value()).isEqualTo(1);

                tracker.track("a", InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build()).block(Duration.ofSeconds(5));
                assertThat(registry.get(JobTrackerMeters.OWNED).gauge().value()).isEqualTo(1);

                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (registry.get(JobTrackerMeters.JOBS).tag("state", "handled").gauge().value() < 1) {
                    assertThat(System.nanoTime()).as("the handled job reaches the gauge").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(registry.get(JobTrackerMeters.OWNED).gauge().value()).isZero();
                assertThat(registry.get(JobTrackerMeters.JOBS).gauges()).hasSize(7);
                assertThat(registry.get(JobTrackerMeters.JOBS).tag("state", "submitted").gauge().value()).isZero();
            }
        }
    }
}
