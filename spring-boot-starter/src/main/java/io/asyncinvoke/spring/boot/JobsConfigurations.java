package io.asyncinvoke.spring.boot;

import static io.asyncinvoke.spring.boot.PropertyChecks.NON_NEGATIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.POSITIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.set;
import static io.asyncinvoke.spring.boot.PropertyChecks.setUrl;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.JobCompletionHandler;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.micrometer.JobTrackerMeters;
import io.asyncinvoke.redis.RedisJobStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The parts of {@link AsyncInvokeJobsAutoConfiguration}, imported by it in order: the job store,
 * the tracker, then its gauges and health. (Members of the auto-configuration itself would be
 * registered in an order of the JVM's choosing.)
 */
final class JobsConfigurations {

    private static final String STORE = "jobs.store";

    private JobsConfigurations() {
    }

    /** {@code async-invoke.jobs.store=memory} (the default): this process alone; nothing survives it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store", havingValue = "memory", matchIfMissing = true)
    static class InMemory {

        @Bean
        @ConditionalOnMissingBean
        JobStore asyncInvokeInMemoryJobStore() {
            return JobStore.inMemory();
        }
    }

    /** Settings shared by both Redis stores; its own class, loaded only when client-redis is there. */
    static final class RedisOptions {

        private RedisOptions() {
        }

        static RedisJobStore.Builder redisOptions(AsyncInvokeProperties.JobsRedis redis, Environment environment) {
            String namespace = redis.getNamespace() != null ? redis.getNamespace()
                    : environment.getProperty("spring.application.name", "default");
            RedisJobStore.Builder builder = RedisJobStore.builder();
            set(builder, "jobs.redis.namespace", namespace, "1 to 100 letters, digits, '-', '_', '.' or ':'"
                    + " (unset: spring.application.name)", RedisJobStore.Builder::namespace);
            set(builder, "jobs.redis.timeout", redis.getTimeout(), POSITIVE_DURATION, RedisJobStore.Builder::timeout);
            set(builder, "jobs.redis.retry-interval", redis.getRetryInterval(), POSITIVE_DURATION,
                    RedisJobStore.Builder::retryInterval);
            return builder;
        }
    }

    /** {@code async-invoke.jobs.redis.url}: a client and connection of the store's own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisJobStore.class)
    @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store", havingValue = "redis")
    static class RedisFromUrl {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(JobStore.class)
        @ConditionalOnProperty(prefix = "async-invoke.jobs.redis", name = "url")
        RedisJobStore asyncInvokeRedisJobStore(AsyncInvokeProperties properties, Environment environment) {
            AsyncInvokeProperties.JobsRedis redis = properties.getJobs().getRedis();
            return setUrl(RedisOptions.redisOptions(redis, environment), "jobs.redis.url", redis.getUrl(),
                    "a Redis URL: redis://host:port, rediss://host:port or redis://:password@host:port/db",
                    RedisJobStore.Builder::url).build();
        }
    }

    /** No {@code async-invoke.jobs.redis.url}: a URL, when given, wins over the application's connection. */
    static final class NoUrl extends NoneNestedConditions {
        NoUrl() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnProperty(prefix = "async-invoke.jobs.redis", name = "url")
        static final class UrlSet {
        }
    }

    /** The application's Spring Data Redis connection, borrowed when first needed. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisJobStore.class, LettuceConnectionFactory.class})
    @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store", havingValue = "redis")
    @Conditional(NoUrl.class)
    static class RedisFromConnectionFactory {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(JobStore.class)
        @ConditionalOnBean(LettuceConnectionFactory.class)
        RedisJobStore asyncInvokeRedisJobStore(AsyncInvokeProperties properties, Environment environment,
                                               LettuceConnectionFactory factory) {
            LettuceLoan loan = new LettuceLoan(factory);
            return RedisOptions.redisOptions(properties.getJobs().getRedis(), environment)
                    .commands(loan, LettuceLoan.NAME).onClose(loan).build();
        }
    }

    /** {@code store=redis} and neither a URL nor a Lettuce connection: say so at startup instead of keeping jobs in memory. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisJobStore.class)
    @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store", havingValue = "redis")
    static class RedisMissing {

        @Bean
        @ConditionalOnMissingBean(JobStore.class)
        JobStore asyncInvokeMissingRedisJobStore() {
            throw new InvalidAsyncInvokePropertyException(PropertyChecks.PREFIX + STORE, "redis",
                    "redis with " + PropertyChecks.PREFIX + "jobs.redis.url set, or a Spring Data Redis Lettuce"
                            + " connection (spring-boot-starter-data-redis); or memory", null);
        }
    }

    /** {@code store=redis} without the module that keeps it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("io.asyncinvoke.redis.RedisJobStore")
    @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store", havingValue = "redis")
    static class RedisWithoutClientRedis {

        @Bean
        JobStore asyncInvokeMissingClientRedisJobStore() {
            throw new InvalidAsyncInvokePropertyException(PropertyChecks.PREFIX + STORE, "redis",
                    "redis with io.asyncinvoke:client-redis on the class path; or memory", null);
        }
    }

    /**
     * The tracker, not started: {@link JobTrackerLifecycle} starts it with the application. After
     * the stores, before what needs the tracker (imports are registered in order).
     */
    @Configuration(proxyBeanMethods = false)
    static class Tracker {

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        @ConditionalOnBean({AsyncInvokeAsyncClient.class, JobStore.class})
        public JobTracker asyncInvokeJobTracker(AsyncInvokeAsyncClient client, JobStore store,
                                                ObjectProvider<JobCompletionHandler> handlers, AsyncInvokeProperties properties) {
            AsyncInvokeProperties.Jobs jobs = properties.getJobs();
            JobTracker.Builder builder = JobTracker.builder(client).store(store);
            if (jobs.getOwner() != null) {
                set(builder, "jobs.owner", jobs.getOwner(), "up to 200 characters, no control characters",
                        JobTracker.Builder::owner);
            }
            set(builder, "jobs.lease", jobs.getLease(), "a duration of at least 500ms, e.g. 30s", JobTracker.Builder::lease);
            set(builder, "jobs.capacity", jobs.getCapacity(), "a whole number of 1 or more", JobTracker.Builder::capacity);
            set(builder, "jobs.handler-attempts", jobs.getHandlerAttempts(), "a whole number of 1 or more",
                    JobTracker.Builder::handlerAttempts);
            set(builder, "jobs.handler-backoff", jobs.getHandlerBackoff(), NON_NEGATIVE_DURATION
                            + ", at most async-invoke.jobs.handler-max-backoff",
                    (b, first) -> b.handlerBackoff(first, jobs.getHandlerMaxBackoff()));
            set(builder, "jobs.handler-timeout", jobs.getHandlerTimeout(), POSITIVE_DURATION,
                    JobTracker.Builder::handlerTimeout);
            set(builder, "jobs.shutdown-grace", jobs.getShutdownGrace(), NON_NEGATIVE_DURATION,
                    JobTracker.Builder::shutdownGrace);
            handlers.orderedStream().forEach(builder::handler);
            return builder.build();
        }

        @Bean
        @ConditionalOnBean(JobTracker.class)
        public JobTrackerLifecycle asyncInvokeJobTrackerLifecycle(JobTracker tracker) {
            return new JobTrackerLifecycle(tracker);
        }
    }

    /** The tracker's gauges ({@link JobTrackerMeters}), bound by Boot to its registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, JobTrackerMeters.class})
    @ConditionalOnProperty(prefix = "async-invoke.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Meters {

        @Bean
        @ConditionalOnBean(JobTracker.class)
        @ConditionalOnMissingBean
        JobTrackerMeters asyncInvokeJobTrackerMeters(JobTracker tracker) {
            return new JobTrackerMeters(tracker);
        }
    }
}
