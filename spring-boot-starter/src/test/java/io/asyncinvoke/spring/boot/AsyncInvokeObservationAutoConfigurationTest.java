package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.micrometer.DefaultJobObservationConvention;
import io.asyncinvoke.micrometer.JobObservationContext;
import io.asyncinvoke.micrometer.JobObservationConvention;
import io.asyncinvoke.micrometer.ObservationAsyncInvokeListener;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AsyncInvokeObservationAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                    AsyncInvokeObservationAutoConfiguration.class))
            .withPropertyValues("async-invoke.api-key=sk-do-test");

    @Test
    void jobsAreObservedInTheApplicationsRegistry() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40))
                .start()) {
            runner.withUserConfiguration(Registry.class)
                    .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                            "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms")
                    .run(context -> {
                        assertThat(context).hasSingleBean(ObservationAsyncInvokeListener.class);
                        context.getBean(AsyncInvokeClient.class).invoke(
                                InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build(), Duration.ofSeconds(30));

                        TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                        TestObservationRegistryAssert.assertThat(registry)
                                .hasObservationWithNameEqualTo(ObservationAsyncInvokeListener.JOB_OBSERVATION).that()
                                .hasLowCardinalityKeyValue("gen_ai.request.model", "fal-ai/flux/schnell")
                                .hasLowCardinalityKeyValue("custom", "yes");
                        TestObservationRegistryAssert.assertThat(registry)
                                .hasObservationWithNameEqualTo(ObservationAsyncInvokeListener.REQUEST_OBSERVATION);
                    });
        }
    }

    @Test
    void noRegistryNoObservations() {
        runner.run(context -> assertThat(context).doesNotHaveBean(ObservationAsyncInvokeListener.class));
    }

    @Test
    void observationsCanBeSwitchedOff() {
        runner.withUserConfiguration(Registry.class).withPropertyValues("async-invoke.observations.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ObservationAsyncInvokeListener.class));
    }

    @Test
    void withoutClientMicrometerTheClientStillWorks() {
        runner.withUserConfiguration(Registry.class)
                .withClassLoader(new FilteredClassLoader("io.asyncinvoke.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(ObservationAsyncInvokeListener.class);
                    assertThat(context).hasSingleBean(AsyncInvokeClient.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }

        /** A convention bean replaces the default one. */
        @Bean
        JobObservationConvention jobConvention() {
            return new DefaultJobObservationConvention() {
                @Override
                public io.micrometer.common.KeyValues getLowCardinalityKeyValues(JobObservationContext context) {
                    return super.getLowCardinalityKeyValues(context).and("custom", "yes");
                }
            };
        }
    }

}
