package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobCompletionHandler;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.client.spi.TrackedJob;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.micrometer.JobTrackerMeters;
import io.asyncinvoke.redis.RedisJobStore;
import io.asyncinvoke.redis.RedisServerExtension;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Mono;

/** Tracked jobs in a Spring application: store, handler beans, lifecycle, health and gauges; Redis tests on a real redis-server. */
class AsyncInvokeJobsAutoConfigurationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Simulator sim;
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(200)).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                        AsyncInvokeJobsAutoConfiguration.class))
                .withPropertyValues("async-invoke.api-key=" + sim.apiKey(), "async-invoke.endpoint=" + sim.baseUrl(),
                        "async-invoke.budget.enabled=false", "async-invoke.polling.adaptive=false",
                        "async-invoke.polling.first-delay=50ms", "async-invoke.polling.interval=50ms",
                        "async-invoke.jobs.lease=1s");
    }

    private ApplicationContextRunner withHandler(ApplicationContextRunner runner) {
        return runner.withBean("recordingHandler", JobCompletionHandler.class,
                () -> job -> Mono.fromRunnable(() -> handled.add(job.key())));
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static TrackedJob track(ApplicationContext context, String key) {
        return context.getBean(JobTracker.class)
                .track(key, InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse").build()).block(WAIT);
    }

    @Test
    void withoutAHandlerOrAStoreThereIsNoTracker() {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JobTracker.class)
                .doesNotHaveBean(JobStore.class));
    }

    @Test
    void aHandlerBeanGetsATrackerStartedWithTheApplicationAndStoppedWithIt() {
        JobTracker[] seen = new JobTracker[1];
        withHandler(runner()).withBean("second", JobCompletionHandler.class,
                () -> job -> Mono.fromRunnable(() -> handled.add("second:" + job.key()))).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JobTracker.class).hasSingleBean(JobStore.class)
                    .hasSingleBean(JobTrackerMeters.class);
            JobTracker tracker = context.getBean(JobTracker.class);
            seen[0] = tracker;
            assertThat(tracker.isRunning()).as("started with the context").isTrue();

            assertThat(track(context, "order-1").state()).isIn(State.SUBMITTED, State.FINISHED);
            await("both handlers ran", () -> handled.size() == 2);
            assertThat(handled).containsExactly("order-1", "second:order-1");
            await("the job is marked handled", () -> tracker.find("order-1").block(WAIT).state() == State.HANDLED);
            assertThat(track(context, "order-1").state()).as("a replayed key sends nothing").isEqualTo(State.HANDLED);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
        });
        assertThat(seen[0].isRunning()).as("stopped with the context").isFalse();
    }

    @Test
    void handlerBeansRunInTheirOrder() {
        runner().withBean("late", OrderedHandler.class, () -> new LateHandler(handled))
                .withBean("early", OrderedHandler.class, () -> new EarlyHandler(handled)).run(context -> {
                    track(context, "k");
                    await("both ran", () -> handled.size() == 2);
                    assertThat(handled).containsExactly("early", "late");
                });
    }

    interface OrderedHandler extends JobCompletionHandler {
    }

    @Order(1)
    static final class EarlyHandler implements OrderedHandler {
        private final List<String> log;

        EarlyHandler(List<String> log) {
            this.log = log;
        }

        @Override
        public Mono<Void> handle(TrackedJob job) {
            return Mono.fromRunnable(() -> log.add("early"));
        }
    }

    @Order(2)
    static final class LateHandler implements OrderedHandler {
        private final List<String> log;

        LateHandler(List<String> log) {
            this.log = log;
        }

        @Override
        public Mono<Void> handle(TrackedJob job) {
            return Mono.fromRunnable(() -> log.add("late"));
        }
    }

    @Test
    void theHealthIndicatorReportsTheStoreAndTheJobs() {
        withHandler(runner()).withPropertyValues("async-invoke.jobs.owner=pod-7").run(context -> {
            track(context, "h-1");
            await("handled", () -> handled.size() == 1);
            await("marked handled", () -> context.getBean(JobTracker.class).find("h-1").block(WAIT).state() == State.HANDLED);

            Health health = Health.of(context.getBean("asyncInvokeJobsHealthIndicator"));
            assertThat(health.status).isEqualTo("UP");
            assertThat(health.details).containsEntry("owner", "pod-7").containsEntry("running", true)
                    .containsEntry("handled", 1L).containsEntry("waiting", 0L).containsEntry("parked", 0L)
                    .containsKeys("owned", "outcomeUnknown", "expired");
        });
    }

    @Test
    void aStoreThatDoesNotAnswerMakesTheHealthDown() {
        withHandler(runner()).withBean(JobStore.class, () -> new FailingCounts(JobStore.inMemory())).run(context -> {
            Health health = Health.of(context.getBean("asyncInvokeJobsHealthIndicator"));
            assertThat(health.status).isEqualTo("DOWN");
            assertThat(health.details).containsEntry("store", "unreachable");
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        withHandler(runner()).withPropertyValues("management.health.async-invoke-jobs.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("asyncInvokeJobsHealthIndicator"));
    }

    @Test
    void redisFromAUrlKeepsTheJobsForTheNextInstance() throws InterruptedException {
        String[] redis = {"async-invoke.jobs.store=redis", "async-invoke.jobs.redis.url=" + REDIS.server().url(),
                "async-invoke.jobs.redis.namespace=orders-" + System.nanoTime()};
        // a long job: the first instance stops (a redeploy) while it runs
        sim.close();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofSeconds(2)).start();
        runner().withPropertyValues(redis).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RedisJobStore.class);
            assertThat(track(context, "order-9").state()).isEqualTo(State.SUBMITTED);
        });
        assertThat(handled).isEmpty();

        withHandler(runner()).withPropertyValues(redis).run(context -> {
            await("the next instance handled the job", () -> handled.contains("order-9"));
            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("watched by request_id, not resubmitted").isEqualTo(1);
        });
    }

    @Test
    void redisWithoutAUrlUsesTheApplicationsLettuceConnection() {
        withHandler(runner()).withBean(LettuceConnectionFactory.class,
                        () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", REDIS.server().port())))
                .withPropertyValues("async-invoke.jobs.store=redis", "spring.application.name=shop").run(context -> {
                    assertThat(context).hasNotFailed();
                    RedisJobStore store = context.getBean(RedisJobStore.class);
                    assertThat(store.namespace()).as("spring.application.name").isEqualTo("shop");
                    assertThat(store.toString()).contains("Spring Data Redis");
                    track(context, "s-" + System.nanoTime());
                    await("handled", () -> handled.size() == 1);
                });
    }

    @Test
    void aUrlWinsOverTheApplicationsConnection() {
        runner().withBean(LettuceConnectionFactory.class,
                        () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1)))
                .withPropertyValues("async-invoke.jobs.store=redis", "async-invoke.jobs.redis.url=" + REDIS.server().url())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RedisJobStore.class).toString())
                            .contains("redis 127.0.0.1:" + REDIS.server().port(), "namespace default");
                });
    }

    @Test
    void redisWithNeitherAUrlNorAConnectionFailsStartupSayingSo() {
        runner().withPropertyValues("async-invoke.jobs.store=redis").run(context -> {
            assertThat(context).hasFailed();
            InvalidAsyncInvokePropertyException e = findCause(context.getStartupFailure());
            assertThat(e).isNotNull();
            assertThat(e.property()).isEqualTo("async-invoke.jobs.store");
            assertThat(e.allowed()).contains("async-invoke.jobs.redis.url").contains("spring-boot-starter-data-redis");
        });
    }

    @Test
    void redisWithoutClientRedisFailsStartupSayingSo() {
        runner().withClassLoader(new FilteredClassLoader(RedisJobStore.class))
                .withPropertyValues("async-invoke.jobs.store=redis", "async-invoke.jobs.redis.url=redis://127.0.0.1:1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(findCause(context.getStartupFailure()).allowed()).contains("io.asyncinvoke:client-redis");
                });
    }

    @Test
    void aRefusedSettingIsNamed() {
        withHandler(runner()).withPropertyValues("async-invoke.jobs.lease=100ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure()).property()).isEqualTo("async-invoke.jobs.lease");
        });
        runner().withPropertyValues("async-invoke.jobs.store=redis", "async-invoke.jobs.redis.url=redis://127.0.0.1:1",
                "async-invoke.jobs.redis.namespace=has space").run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure()).property()).isEqualTo("async-invoke.jobs.redis.namespace");
        });
    }

    @Test
    void aRefusedRedisUrlNeverShowsItsPassword() {
        runner().withPropertyValues("async-invoke.jobs.store=redis",
                "async-invoke.jobs.redis.url=redis://:pa ss^w0rd@127.0.0.1:6379").run(context -> {
            assertThat(context).hasFailed();
            InvalidAsyncInvokePropertyException e = findCause(context.getStartupFailure());
            assertThat(e.property()).isEqualTo("async-invoke.jobs.redis.url");
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("pa ss^w0rd");
            }
            assertThat(e.value()).isEqualTo("redis://[REDACTED]@127.0.0.1:6379");
        });
    }

    /** A health as either Boot line's API gives it (the tests run on both). */
    static final class Health {
        final String status;
        final Map<String, Object> details;

        @SuppressWarnings("unchecked")
        private Health(Object health) throws ReflectiveOperationException {
            Object status = health.getClass().getMethod("getStatus").invoke(health);
            this.status = (String) status.getClass().getMethod("getCode").invoke(status);
            this.details = (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
        }

        static Health of(Object indicator) throws ReflectiveOperationException {
            Mono<?> health = (Mono<?>) indicator.getClass().getMethod("health").invoke(indicator);
            return new Health(health.block(WAIT));
        }
    }

    /** A store whose counts never answer, as an unreachable Redis. */
    static final class FailingCounts implements JobStore {
        private final JobStore delegate;

        FailingCounts(JobStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Mono<Insertion> insert(TrackedJob job, Duration lease) {
            return delegate.insert(job, lease);
        }

        @Override
        public Mono<TrackedJob> find(String key) {
            return delegate.find(key);
        }

        @Override
        public Mono<TrackedJob> update(String owner, TrackedJob next) {
            return delegate.update(owner, next);
        }

        @Override
        public Mono<TrackedJob> updateAndRelease(String owner, TrackedJob next, Duration claimableIn) {
            return delegate.updateAndRelease(owner, next, claimableIn);
        }

        @Override
        public Mono<Boolean> delete(String owner, TrackedJob expected) {
            return delegate.delete(owner, expected);
        }

        @Override
        public reactor.core.publisher.Flux<TrackedJob> claim(String owner, Duration lease, int max) {
            return delegate.claim(owner, lease, max);
        }

        @Override
        public reactor.core.publisher.Flux<String> renew(String owner, java.util.Collection<String> keys, Duration lease) {
            return delegate.renew(owner, keys, lease);
        }

        @Override
        public Mono<Long> releaseAll(String owner) {
            return delegate.releaseAll(owner);
        }

        @Override
        public Mono<Integer> heartbeat(String owner, Duration ttl) {
            return delegate.heartbeat(owner, ttl);
        }

        @Override
        public Mono<Void> leave(String owner) {
            return delegate.leave(owner);
        }

        @Override
        public Mono<Map<State, Long>> counts() {
            return Mono.error(new java.io.IOException("Connection refused: redis 127.0.0.1:1"));
        }

        @Override
        public reactor.core.publisher.Flux<TrackedJob> list(State state) {
            return delegate.list(state);
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
