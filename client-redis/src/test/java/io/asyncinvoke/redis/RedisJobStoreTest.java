package io.asyncinvoke.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.client.spi.JobStoreContract;
import io.asyncinvoke.client.spi.TrackedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisJobStore} against the store contract, on a real redis-server (leases on Redis's clock, so time really passes). */
class RedisJobStoreTest extends JobStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private final List<RedisJobStore> opened = new ArrayList<>();

    @Override
    protected JobStore store() {
        RedisJobStore store = RedisJobStore.builder().url(REDIS.server().url())
                .namespace("contract-" + NAMESPACES.incrementAndGet()).build();
        opened.add(store);
        return store;
    }

    @Override
    protected void pass(Duration d) {
        try {
            Thread.sleep(d.toMillis() + 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T redis(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS.server().url());
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    @AfterEach
    void close() {
        opened.forEach(RedisJobStore::close);
    }

    @Test
    void keysStayUnderTheNamespacesHashTagAndNeverHoldTheRecordElsewhere() {
        RedisJobStore store = RedisJobStore.builder().url(REDIS.server().url()).namespace("layout").build();
        opened.add(store);
        store.insert(TrackedJob.submitting("order-1", "fal-ai/flux/schnell", "a", Instant.now()), Duration.ofMinutes(1))
                .block(BLOCK);

        String namespace = store.namespace();
        String prefix = "async-invoke:jobs:{" + namespace + "}:";
        List<String> keys = redis(r -> r.keys("*" + namespace + "*"));
        assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).startsWith(prefix));
        assertThat(keys).contains(prefix + "job:order-1", prefix + "pending");
    }

    @Test
    void aBadNamespaceOrAMissingTargetIsRefusedBeforeAnythingConnects() {
        assertThatThrownBy(() -> RedisJobStore.builder().namespace("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> RedisJobStore.builder().namespace("{x}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisJobStore.builder().namespace("ok").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("url");
        assertThatThrownBy(() -> RedisJobStore.builder().url(REDIS.server().url()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("namespace");
    }

    @Test
    void theStoreSurvivesRedisForgettingItsScripts() {
        JobStore store = store();
        store.insert(TrackedJob.submitting("k1", "fal-ai/flux/schnell", "a", Instant.now()), Duration.ofMinutes(1))
                .block(BLOCK);
        redis(r -> r.scriptFlush());

        assertThat(store.insert(TrackedJob.submitting("k2", "fal-ai/flux/schnell", "a", Instant.now()),
                Duration.ofMinutes(1)).block(BLOCK).inserted()).isTrue();
        assertThat(store.find("k1").block(BLOCK)).isNotNull();
    }

    @Test
    void itsNameCarriesNoPassword() {
        RedisJobStore store = RedisJobStore.builder().url("redis://:s3cret-pw@127.0.0.1:1/0").namespace("x").build();
        try {
            assertThat(store.toString()).contains("127.0.0.1:1", "namespace x").doesNotContain("s3cret");
        } finally {
            store.close();
        }
    }
}
