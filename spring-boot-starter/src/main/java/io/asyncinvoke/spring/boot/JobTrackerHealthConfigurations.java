package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.JobTracker;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * The {@code asyncInvokeJobs} health indicator ({@link JobTrackerHealth}) on each Boot line's
 * health API: Boot 3.5's in spring-boot-actuator, Boot 4's in spring-boot-health. Off with
 * {@code management.health.async-invoke-jobs.enabled=false}.
 */
final class JobTrackerHealthConfigurations {

    private JobTrackerHealthConfigurations() {
    }

    /** Spring Boot 3.5. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.async-invoke-jobs", name = "enabled", matchIfMissing = true)
    static class Boot3 {

        @Bean
        @ConditionalOnBean(JobTracker.class)
        @ConditionalOnMissingBean(name = "asyncInvokeJobsHealthIndicator")
        org.springframework.boot.actuate.health.ReactiveHealthIndicator asyncInvokeJobsHealthIndicator(JobTracker tracker) {
            return new org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator(
                    "The async-invoke job store failed to answer") {
                @Override
                protected Mono<org.springframework.boot.actuate.health.Health> doHealthCheck(
                        org.springframework.boot.actuate.health.Health.Builder builder) {
                    return JobTrackerHealth.check(tracker).map(report -> {
                        (report.up ? builder.up() : builder.down()).withDetails(report.details);
                        if (report.error != null) {
                            builder.withException(report.error);
                        }
                        return builder.build();
                    });
                }
            };
        }
    }

    /** Spring Boot 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.async-invoke-jobs", name = "enabled", matchIfMissing = true)
    static class Boot4 {

        @Bean
        @ConditionalOnBean(JobTracker.class)
        @ConditionalOnMissingBean(name = "asyncInvokeJobsHealthIndicator")
        org.springframework.boot.health.contributor.ReactiveHealthIndicator asyncInvokeJobsHealthIndicator(JobTracker tracker) {
            return new org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator(
                    "The async-invoke job store failed to answer") {
                @Override
                protected Mono<org.springframework.boot.health.contributor.Health> doHealthCheck(
                        org.springframework.boot.health.contributor.Health.Builder builder) {
                    return JobTrackerHealth.check(tracker).map(report -> {
                        (report.up ? builder.up() : builder.down()).withDetails(report.details);
                        if (report.error != null) {
                            builder.withException(report.error);
                        }
                        return builder.build();
                    });
                }
            };
        }
    }
}
