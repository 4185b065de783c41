package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.redis.RedisBudgetStore;
import io.asyncinvoke.redis.RedisServerExtension;
import io.asyncinvoke.simulator.Simulator;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** async-invoke.budget.store=redis, against a real redis-server (skipped without one, unless -Dredis.required=true). */
class AsyncInvokeRedisBudgetAutoConfigurationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String KEY = "sk-do-test-key-0123456789";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                    AsyncInvokeRedisBudgetAutoConfiguration.class));

    @Test
    void byDefaultTheBudgetStaysInProcess() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RedisBudgetStore.class);
            assertThat(context.getBean(AsyncInvokeClientBuilder.class).toString()).doesNotContain("budgetStore");
        });
    }

    @Test
    void aUrlGivesAStoreOfItsOwnThatEveryClientUses() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(10)).runningFor(Duration.ofMillis(10)).start()) {
            runner.withPropertyValues("async-invoke.api-key=" + sim.apiKey(), "async-invoke.endpoint=" + sim.baseUrl(),
                    "async-invoke.budget.store=redis", "async-invoke.budget.redis.url=" + REDIS.server().url(),
                    "async-invoke.budget.redis.key-prefix=app1:", "async-invoke.budget.redis.timeout=800ms").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(RedisBudgetStore.class);
                RedisBudgetStore store = context.getBean(RedisBudgetStore.class);
                assertThat(store.timeout()).isEqualTo(Duration.ofMillis(800));
                assertThat(context.getBean(AsyncInvokeClientBuilder.class).toString())
                        .contains("budgetStore=redis 127.0.0.1:" + REDIS.server().port());
                assertRunsThroughRedis(context.getBean(AsyncInvokeAsyncClient.class), "app1:");
            });
        }
    }

    @Test
    void withoutAUrlTheApplicationsLettuceConnectionIsUsed() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(10)).runningFor(Duration.ofMillis(10)).start()) {
            runner.withBean(LettuceConnectionFactory.class,
                            () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", REDIS.server().port())))
                    .withPropertyValues("async-invoke.api-key=" + sim.apiKey(), "async-invoke.endpoint=" + sim.baseUrl(),
                            "async-invoke.budget.store=redis").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(RedisBudgetStore.class);
                assertThat(context.getBean(RedisBudgetStore.class).toString()).contains("Spring Data Redis");
                assertRunsThroughRedis(context.getBean(AsyncInvokeAsyncClient.class), "async-invoke:budget:");
            });
        }
    }

    @Test
    void aUrlWinsOverTheApplicationsConnection() {
        runner.withBean(LettuceConnectionFactory.class,
                        () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1)))
                .withPropertyValues("async-invoke.api-key=" + KEY, "async-invoke.budget.store=redis",
                        "async-invoke.budget.redis.url=" + REDIS.server().url()).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisBudgetStore.class);
                    assertThat(context.getBean(RedisBudgetStore.class).toString())
                            .isEqualTo("redis 127.0.0.1:" + REDIS.server().port());
                });
    }

    @Test
    void redisWithNeitherAUrlNorAConnectionFailsStartupSayingSo() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY, "async-invoke.budget.store=redis").run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure())).isNotNull().satisfies(e -> {
                assertThat(e.property()).isEqualTo("async-invoke.budget.store");
                assertThat(e.allowed()).contains("async-invoke.budget.redis.url").contains("spring-boot-starter-data-redis");
            });
        });
    }

    @Test
    void redisWithoutClientRedisFailsStartupSayingSo() {
        runner.withClassLoader(new FilteredClassLoader(RedisBudgetStore.class))
                .withPropertyValues("async-invoke.api-key=" + KEY, "async-invoke.budget.store=redis",
                        "async-invoke.budget.redis.url=redis://127.0.0.1:1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure()).allowed()).contains("io.asyncinvoke:client-redis");
        });
    }

    @Test
    void aRefusedRedisSettingIsNamed() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY, "async-invoke.budget.store=redis",
                "async-invoke.budget.redis.url=redis://127.0.0.1:1", "async-invoke.budget.redis.timeout=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure()).property()).isEqualTo("async-invoke.budget.redis.timeout");
        });
    }

    /** Two jobs complete, and the bucket of the client's key is in Redis under {@code prefix}. */
    private static void assertRunsThroughRedis(AsyncInvokeAsyncClient client, String prefix) {
        Job job = client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build()).block(Duration.ofSeconds(20));
        assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
        RedisClient inspector = RedisClient.create(REDIS.server().url());
        try {
            List<String> keys = inspector.connect().sync().keys(prefix + "*");
            assertThat(keys).anySatisfy(k -> assertThat(k).matches(java.util.regex.Pattern.quote(prefix)
                    + "\\{[0-9a-f]{32}\\}:bucket"));
        } finally {
            inspector.shutdown();
        }
    }

    private static InvalidAsyncInvokePropertyException findCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidAsyncInvokePropertyException) {
                return (InvalidAsyncInvokePropertyException) t;
            }
        }
        return null;
    }
}
