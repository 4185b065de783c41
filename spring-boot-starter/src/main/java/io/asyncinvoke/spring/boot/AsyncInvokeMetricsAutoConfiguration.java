package io.asyncinvoke.spring.boot;

import io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Binds the client's meters ({@link MicrometerAsyncInvokeListener}) to the application's
 * {@link MeterRegistry}, when Micrometer and {@code client-micrometer} are on the class path and
 * {@code async-invoke.metrics.enabled} is not {@code false}. Runs after Spring Boot's registry
 * configuration when that is present, named for both lines: Boot 3's in Actuator, Boot 4's in
 * {@code spring-boot-micrometer-metrics} (a name that is not on the class path orders nothing).
 */
@AutoConfiguration(before = AsyncInvokeAutoConfiguration.class, afterName = {
        // Spring Boot 3
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        // Spring Boot 4
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MicrometerAsyncInvokeListener.class})
@ConditionalOnSingleCandidate(MeterRegistry.class)
@ConditionalOnProperty(prefix = "async-invoke.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AsyncInvokeMetricsAutoConfiguration {

    /** The listener that records the meters; the client picks up every listener bean. */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerAsyncInvokeListener asyncInvokeMetricsListener(MeterRegistry registry) {
        return new MicrometerAsyncInvokeListener(registry);
    }
}
