package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobCompletionHandler;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The README's "Durable jobs" Spring example, as written there, on the simulator (and on both Boot lines). */
class DurableJobsExampleTest {

    /** What the example's handler saves to. */
    static final class CoverRepository {
        final Map<String, Job> saved = new ConcurrentHashMap<>();

        Mono<Void> save(String key, Job job) {
            return Mono.fromRunnable(() -> saved.put(key, job));
        }
    }

    // ---- as in the README

    @Configuration
    static class Covers {
        @Bean
        JobCompletionHandler saveCover(CoverRepository covers) {
            // runs once per finished job across all replicas; make it idempotent for job.key()
            return job -> covers.save(job.key(), job.job().orElseThrow());
        }
    }

    @RestController
    static class OrderController {
        private final JobTracker tracker;

        OrderController(JobTracker tracker) {
            this.tracker = tracker;
        }

        @PostMapping("/orders/{id}/cover")
        Mono<String> cover(@PathVariable String id, @RequestBody String prompt) {
            // the order id is the key: a retried request finds the job and sends nothing
            return tracker.track("order-" + id + "-cover",
                            InvokeRequests.image("fal-ai/flux/schnell").prompt(prompt).build())
                    .map(record -> record.state().name());
        }
    }

    // ----

    @Test
    void aCoverIsSavedOnceAndARetriedRequestSendsNothing() throws InterruptedException {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(300)).start()) {
            CoverRepository repository = new CoverRepository();
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                            AsyncInvokeJobsAutoConfiguration.class))
                    .withUserConfiguration(Covers.class, OrderController.class)
                    .withBean(CoverRepository.class, () -> repository)
                    .withPropertyValues("async-invoke.api-key=" + sim.apiKey(), "async-invoke.endpoint=" + sim.baseUrl(),
                            "async-invoke.jobs.store=memory")
                    .run(context -> {
                        OrderController orders = context.getBean(OrderController.class);
                        assertThat(orders.cover("1042", "a lighthouse").block(Duration.ofSeconds(10))).isEqualTo("SUBMITTED");
                        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                        JobTracker tracker = context.getBean(JobTracker.class);
                        // saved by the handler, then marked done in the store once the handler succeeded
                        while (!repository.saved.containsKey("order-1042-cover")
                                || tracker.find("order-1042-cover").block(Duration.ofSeconds(10)).state()
                                        != io.asyncinvoke.client.spi.TrackedJob.State.HANDLED) {
                            assertThat(System.nanoTime()).as("the cover is saved and marked done").isLessThan(deadline);
                            Thread.sleep(20);
                        }
                        assertThat(orders.cover("1042", "a lighthouse").block(Duration.ofSeconds(10))).isEqualTo("HANDLED");
                        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
                    });
        }
    }
}
