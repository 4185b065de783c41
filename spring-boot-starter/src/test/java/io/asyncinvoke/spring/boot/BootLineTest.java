package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener;
import io.asyncinvoke.micrometer.ObservationAsyncInvokeListener;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter with Spring Boot's own metrics and observation auto-configurations, as an
 * application with Actuator has them, on the line these tests run on: the registries Boot makes
 * are found, whatever the line calls its auto-configurations.
 */
class BootLineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theseTestsRunOnTheLineTheirModuleIsFor() {
        String expected = System.getProperty("expected.boot.line");
        assertThat(expected).as("set by the module's surefire configuration").isNotBlank();
        assertThat(BootLine.version()).startsWith(expected + ".");
        assertThat(BootLine.BOOT_4).isEqualTo(expected.startsWith("4."));
    }

    @Test
    void metersAndObservationsBindToTheRegistriesBootMakes() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40))
                .start()) {
            new ApplicationContextRunner()
                    .withConfiguration(BootLine.metrics())
                    .withConfiguration(BootLine.observation())
                    .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                            AsyncInvokeMetricsAutoConfiguration.class, AsyncInvokeObservationAutoConfiguration.class))
                    .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                            "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms")
                    .run(context -> {
                        assertThat(context).hasNotFailed()
                                .hasSingleBean(MicrometerAsyncInvokeListener.class)
                                .hasSingleBean(ObservationAsyncInvokeListener.class);

                        context.getBean(AsyncInvokeClient.class)
                                .invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build(), WAIT);

                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get(MicrometerAsyncInvokeListener.JOBS_SUBMITTED).counter().count())
                                .isEqualTo(1);
                        // Boot's observation registry times observations into the same registry
                        long deadline = System.nanoTime() + WAIT.toNanos();
                        while (registry.find(ObservationAsyncInvokeListener.JOB_OBSERVATION).timer() == null
                                && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                        assertThat(registry.get(ObservationAsyncInvokeListener.JOB_OBSERVATION)
                                .tag("asyncinvoke.outcome", "completed").timer().count()).isEqualTo(1);
                        assertThat(registry.get(ObservationAsyncInvokeListener.REQUEST_OBSERVATION)
                                .tag("asyncinvoke.operation", "submit").timer().count()).isEqualTo(1);
                        assertThat(context.getBean(AsyncInvokeAsyncClient.class)).isNotNull();
                    });
        }
    }
}
