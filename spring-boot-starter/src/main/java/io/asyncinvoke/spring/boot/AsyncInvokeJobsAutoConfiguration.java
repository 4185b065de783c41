package io.asyncinvoke.spring.boot;

import static io.asyncinvoke.spring.boot.PropertyChecks.NON_NEGATIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.POSITIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.set;

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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Tracked jobs ({@link JobTracker}) for applications that register a {@link JobCompletionHandler}
 * bean or set {@code async-invoke.jobs.store}: the store ({@code memory}, or {@code redis} through
 * {@code async-invoke.jobs.redis.url} or the application's Spring Data Redis Lettuce connection;
 * a {@link JobStore} bean of yours wins), the tracker with every handler bean in order, started
 * with the application and stopped before it ends ({@link JobTrackerLifecycle}: the leases are
 * released at once), its gauges when Micrometer is there, and a health indicator
 * {@code asyncInvokeJobs} when Actuator is (Boot 3.5 and 4).
 */
@AutoConfiguration(after = AsyncInvokeAutoConfiguration.class, afterName = {
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(JobTracker.class)
@Conditional(AsyncInvokeJobsAutoConfiguration.OnJobs.class)
@EnableConfigurationProperties(AsyncInvokeProperties.class)
// in this order: the store, then the tracker, then what needs the tracker (imports register in order)
@Import({JobsConfigurations.InMemory.class,
        JobsConfigurations.RedisFromUrl.class,
        JobsConfigurations.RedisFromConnectionFactory.class,
        JobsConfigurations.RedisMissing.class,
        JobsConfigurations.RedisWithoutClientRedis.class,
        JobsConfigurations.Tracker.class,
        JobsConfigurations.Meters.class,
        JobTrackerHealthConfigurations.Boot3.class,
        JobTrackerHealthConfigurations.Boot4.class})
public class AsyncInvokeJobsAutoConfiguration {

    /** A handler bean, or the store chosen. */
    static final class OnJobs extends AnyNestedCondition {
        OnJobs() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "async-invoke.jobs", name = "store")
        static final class StoreChosen {
        }

        @ConditionalOnBean(JobCompletionHandler.class)
        static final class HandlerRegistered {
        }
    }
}
