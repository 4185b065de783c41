package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AsyncInvokeMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                    AsyncInvokeMetricsAutoConfiguration.class))
            .withPropertyValues("async-invoke.api-key=sk-do-test");

    @Test
    void theMetersAreBoundToTheApplicationsRegistry() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40))
                .start()) {
            runner.withUserConfiguration(Registry.class)
                    .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                            "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms")
                    .run(context -> {
                        assertThat(context).hasSingleBean(MicrometerAsyncInvokeListener.class);
                        context.getBean(AsyncInvokeClient.class)
                                .invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build(), Duration.ofSeconds(30));

                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get(MicrometerAsyncInvokeListener.JOBS_SUBMITTED)
                                .tag("model", "fal-ai/flux/schnell").counter().count()).isEqualTo(1);
                        assertThat(registry.get(MicrometerAsyncInvokeListener.JOBS_COMPLETED).counter().count())
                                .isEqualTo(1);
                        assertThat(registry.get(MicrometerAsyncInvokeListener.REQUESTS)
                                .tags("operation", "submit", "outcome", "success").timer().count()).isEqualTo(1);
                    });
        }
    }

    @Test
    void noRegistryNoMetricsListener() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(AsyncInvokeListener.class);
            assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
        });
    }

    @Test
    void metricsCanBeSwitchedOff() {
        runner.withUserConfiguration(Registry.class).withPropertyValues("async-invoke.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MicrometerAsyncInvokeListener.class));
    }

    @Test
    void withoutMicrometerOnTheClassPathTheClientStillWorks() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer", "io.asyncinvoke.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(MicrometerAsyncInvokeListener.class);
                    assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
                });
    }

    @Test
    void anApplicationsOwnMetricsListenerWins() {
        runner.withUserConfiguration(Registry.class, OwnListener.class).run(context -> {
            assertThat(context).hasSingleBean(MicrometerAsyncInvokeListener.class);
            assertThat(context.getBean(MicrometerAsyncInvokeListener.class)).isSameAs(context.getBean("myMetrics"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnListener {
        @Bean
        MicrometerAsyncInvokeListener myMetrics(MeterRegistry registry) {
            return new MicrometerAsyncInvokeListener(registry);
        }
    }
}
