package io.asyncinvoke.spring.boot;

import io.asyncinvoke.micrometer.JobObservationConvention;
import io.asyncinvoke.micrometer.ObservationAsyncInvokeListener;
import io.asyncinvoke.micrometer.RequestObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Observes the client's jobs and HTTP requests ({@link ObservationAsyncInvokeListener}) in the
 * application's {@link ObservationRegistry}, so that tracing (Micrometer Tracing over
 * OpenTelemetry or Brave) shows a span per job with a child span per request. Needs
 * {@code client-micrometer} on the class path and a registry bean (Spring Boot Actuator's, on
 * either line); {@code async-invoke.observations.enabled=false} switches it off. A
 * {@link JobObservationConvention} or {@link RequestObservationConvention} bean replaces the
 * default names and keys.
 */
@AutoConfiguration(before = AsyncInvokeAutoConfiguration.class, afterName = {
        // Spring Boot 3
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        // Spring Boot 4
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass({ObservationRegistry.class, ObservationAsyncInvokeListener.class})
@ConditionalOnSingleCandidate(ObservationRegistry.class)
@ConditionalOnProperty(prefix = "async-invoke.observations", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public class AsyncInvokeObservationAutoConfiguration {

    /** The listener that makes the observations; the client picks up every listener bean. */
    @Bean
    @ConditionalOnMissingBean
    public ObservationAsyncInvokeListener asyncInvokeObservationListener(ObservationRegistry registry,
            ObjectProvider<JobObservationConvention> jobConvention,
            ObjectProvider<RequestObservationConvention> requestConvention) {
        return new ObservationAsyncInvokeListener(registry, jobConvention.getIfUnique(), requestConvention.getIfUnique());
    }
}
