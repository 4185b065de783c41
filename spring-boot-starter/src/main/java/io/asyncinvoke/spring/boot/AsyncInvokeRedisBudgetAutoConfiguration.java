package io.asyncinvoke.spring.boot;

import static io.asyncinvoke.spring.boot.PropertyChecks.POSITIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.set;
import static io.asyncinvoke.spring.boot.PropertyChecks.setUrl;

import io.asyncinvoke.redis.RedisBudgetStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
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
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@code async-invoke.budget.store=redis}: the client's request budget kept in Redis
 * ({@link RedisBudgetStore}), shared by every process of the same endpoint and API key. The Redis
 * is {@code async-invoke.budget.redis.url} when set, else the application's Spring Data Redis
 * {@link LettuceConnectionFactory} (a connection of its is borrowed when the budget first needs
 * Redis, so the application starts even while Redis is down, and given back at shutdown). Your own
 * {@link RedisBudgetStore} bean wins. Without {@code io.asyncinvoke:client-redis}, or with neither a
 * URL nor a Lettuce connection factory, startup fails and says what is missing.
 */
@AutoConfiguration(before = AsyncInvokeAutoConfiguration.class, afterName = {
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnProperty(prefix = "async-invoke.budget", name = "store", havingValue = "redis")
@EnableConfigurationProperties(AsyncInvokeProperties.class)
@Import({AsyncInvokeRedisBudgetAutoConfiguration.FromUrl.class,
        AsyncInvokeRedisBudgetAutoConfiguration.FromConnectionFactory.class,
        AsyncInvokeRedisBudgetAutoConfiguration.UseStore.class,
        AsyncInvokeRedisBudgetAutoConfiguration.WithoutClientRedis.class})
public class AsyncInvokeRedisBudgetAutoConfiguration {

    private static final String STORE = "budget.store";

    /**
     * The settings both stores take; a class of its own, loaded only when client-redis is there
     * (a method of this class naming RedisBudgetStore would fail its introspection without it).
     */
    static final class RedisOptions {
        private RedisOptions() {
        }

        static RedisBudgetStore.Builder options(AsyncInvokeProperties.Redis redis) {
            RedisBudgetStore.Builder builder = RedisBudgetStore.builder();
            set(builder, "budget.redis.key-prefix", redis.getKeyPrefix(), "text", RedisBudgetStore.Builder::keyPrefix);
            set(builder, "budget.redis.timeout", redis.getTimeout(), POSITIVE_DURATION, RedisBudgetStore.Builder::timeout);
            set(builder, "budget.redis.retry-interval", redis.getRetryInterval(), POSITIVE_DURATION,
                    RedisBudgetStore.Builder::retryInterval);
            return builder;
        }
    }

    /** {@code async-invoke.budget.redis.url}: a client and connection of the store's own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisBudgetStore.class)
    @ConditionalOnProperty(prefix = "async-invoke.budget.redis", name = "url")
    static class FromUrl {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        RedisBudgetStore asyncInvokeRedisBudgetStore(AsyncInvokeProperties properties) {
            AsyncInvokeProperties.Redis redis = properties.getBudget().getRedis();
            return setUrl(RedisOptions.options(redis), "budget.redis.url", redis.getUrl(),
                    "a Redis URL: redis://host:port, rediss://host:port or redis://:password@host:port/db",
                    RedisBudgetStore.Builder::url).build();
        }
    }

    /** No {@code async-invoke.budget.redis.url}: a URL, when given, wins over the application's connection. */
    static final class NoUrl extends NoneNestedConditions {
        NoUrl() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnProperty(prefix = "async-invoke.budget.redis", name = "url")
        static final class UrlSet {
        }
    }

    /** The application's Spring Data Redis connection, borrowed when first needed. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisBudgetStore.class, LettuceConnectionFactory.class})
    @ConditionalOnBean(LettuceConnectionFactory.class)
    @Conditional(NoUrl.class)
    static class FromConnectionFactory {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        RedisBudgetStore asyncInvokeRedisBudgetStore(AsyncInvokeProperties properties, LettuceConnectionFactory factory) {
            LettuceLoan loan = new LettuceLoan(factory);
            return RedisOptions.options(properties.getBudget().getRedis()).commands(loan, LettuceLoan.NAME).onClose(loan).build();
        }
    }

    /** Gives the store to every client the starter builds. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisBudgetStore.class)
    static class UseStore {

        @Bean
        AsyncInvokeClientBuilderCustomizer asyncInvokeRedisBudgetCustomizer(ObjectProvider<RedisBudgetStore> store) {
            RedisBudgetStore redis = store.getIfAvailable();
            if (redis == null) {
                throw new InvalidAsyncInvokePropertyException(PropertyChecks.PREFIX + STORE, "redis",
                        "redis with " + PropertyChecks.PREFIX + "budget.redis.url set, or a Spring Data Redis Lettuce"
                                + " connection (spring-boot-starter-data-redis); or local", null);
            }
            return builder -> builder.budgetStore(redis);
        }
    }

    /** {@code store=redis} without the module that keeps it: say so instead of counting locally. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("io.asyncinvoke.redis.RedisBudgetStore")
    static class WithoutClientRedis {

        @Bean
        AsyncInvokeClientBuilderCustomizer asyncInvokeRedisBudgetCustomizer() {
            throw new InvalidAsyncInvokePropertyException(PropertyChecks.PREFIX + STORE, "redis",
                    "redis with io.asyncinvoke:client-redis on the class path; or local", null);
        }
    }
}
