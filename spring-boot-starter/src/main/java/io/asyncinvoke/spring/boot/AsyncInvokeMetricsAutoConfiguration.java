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
 * {@code async-invoke.metrics.enabled} is not {@code false}. Runs after Spring Boot Actuator's
 * registry configuration when that is present.
 */
@AutoConfiguration(before = AsyncInvokeAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
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
