package io.asyncinvoke.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.client.spi.BudgetStore.Bandwidth;
import io.asyncinvoke.client.spi.BudgetStore.Take;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/** The Redis store against a real redis-server, in one JVM: several stores on one key behave as several processes. */
class RedisBudgetStoreTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** 10 per 10 s as the client sizes it: 2 at once, then 7 per 10 s. */
    private static final List<Bandwidth> SMALL = List.of(new Bandwidth(2, 7, Duration.ofSeconds(10)));

    private final List<RedisBudgetStore> stores = new ArrayList<>();
    private RedisClient inspector;
    private StatefulRedisConnection<String, String> redis;
    private int budgets;

    @BeforeEach
    void connect() {
        inspector = RedisClient.create(REDIS.server().url());
        redis = inspector.connect();
        redis.sync().flushall();
    }

    @AfterEach
    void close() {
        stores.forEach(RedisBudgetStore::close);
        redis.close();
        inspector.shutdown();
    }

    private RedisBudgetStore store() {
        RedisBudgetStore store = RedisBudgetStore.builder().url(REDIS.server().url()).timeout(Duration.ofSeconds(2)).build();
        stores.add(store);
        return store;
    }

    private BudgetStore.Spec spec(String id) {
        return new BudgetStore.Spec(id, "http://127.0.0.1:1", SMALL);
    }

    private static Take take(BudgetStore.Budget budget) {
        return budget.tryTake().toCompletableFuture().join();
    }

    @Test
    void storesOfOneBudgetIdShareItsTokensAndOthersDoNot() {
        BudgetStore.Budget a = store().open(spec("0123456789abcdef0123456789abcdef"));
        BudgetStore.Budget b = store().open(spec("0123456789abcdef0123456789abcdef"));
        BudgetStore.Budget other = store().open(spec("fedcba9876543210fedcba9876543210"));

        assertThat(take(a).isGranted()).isTrue();
        assertThat(take(b).isGranted()).isTrue();
        Take refused = take(a);
        assertThat(refused.isGranted()).isFalse();
        assertThat(refused.isHeld()).isFalse();
        assertThat(refused.waitTime()).as("the next of 7 per 10 s, and up to one token's interval")
                .isBetween(Duration.ofMillis(1000), Duration.ofMillis(2858));
        assertThat(take(b).isGranted()).isFalse();
        assertThat(take(other).isGranted()).isTrue();
        assertThat(redis.sync().keys("*")).containsExactlyInAnyOrder(
                "async-invoke:budget:{0123456789abcdef0123456789abcdef}:bucket",
                "async-invoke:budget:{fedcba9876543210fedcba9876543210}:bucket");
        assertThat(redis.sync().pttl("async-invoke:budget:{0123456789abcdef0123456789abcdef}:bucket"))
                .as("expires once it would be full again").isBetween(1L, 20_000L);
    }

    @Test
    void refusedTakesAreToldToComeBackSpreadOverOneTokensInterval() {
        BudgetStore.Budget a = store().open(spec("0123456789abcdef0123456789abcdef"));
        while (take(a).isGranted()) {
            // spend the bucket
        }
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            waits.add(take(a).waitTime());
        }
        // 7 per 10 s: the next token within 1429 ms, and a random part of 1429 ms on top, so that
        // processes refused at the same moment do not all come back at the same moment
        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(Duration.ZERO, Duration.ofMillis(2858)));
        Duration spread = Collections.max(waits).minus(Collections.min(waits));
        assertThat(spread).as("%s", waits).isGreaterThan(Duration.ofMillis(400));
    }

    @Test
    void aHoldReachesEveryStoreIsNeverShortenedAndEndsWithoutABurst() throws InterruptedException {
        // 2 a second: slow enough that a loaded machine's pauses between the takes below earn no extra token
        List<Bandwidth> roomy = List.of(new Bandwidth(20, 20, Duration.ofSeconds(10)));
        BudgetStore.Budget a = store().open(new BudgetStore.Spec("0123456789abcdef0123456789abcdef", "x", roomy));
        BudgetStore.Budget b = store().open(new BudgetStore.Spec("0123456789abcdef0123456789abcdef", "x", roomy));
        assertThat(take(a).isGranted()).isTrue();

        a.hold(Duration.ofMillis(3000)).toCompletableFuture().join();
        a.hold(Duration.ofMillis(200)).toCompletableFuture().join();
        Take held = take(b);
        assertThat(held.isHeld()).isTrue();
        assertThat(held.waitTime()).as("the longer hold stands").isBetween(Duration.ofMillis(2000), Duration.ofMillis(3000));
        assertThat(redis.sync().keys("*:hold")).singleElement().asString().contains("{0123456789abcdef0123456789abcdef}");

        Thread.sleep(held.waitTime().toMillis() + 50);
        // the hold is over: one request, then the rate (2 a second here), not the 6 saved up meanwhile
        assertThat(take(b).isGranted()).isTrue();
        int granted = 0;
        for (int i = 0; i < 5; i++) {
            granted += take(b).isGranted() ? 1 : 0;
        }
        assertThat(granted).isLessThanOrEqualTo(1);
    }

    @Test
    void aResizeReachesEveryStore() {
        BudgetStore.Budget a = store().open(spec("0123456789abcdef0123456789abcdef"));
        BudgetStore.Budget b = store().open(spec("0123456789abcdef0123456789abcdef"));
        assertThat(take(a).isGranted()).isTrue();
        a.resize(List.of(new Bandwidth(1, 3, Duration.ofSeconds(10)))).toCompletableFuture().join();
        assertThat(take(b).isGranted()).as("the one token left fits the new capacity of 1").isTrue();
        Take refused = take(b);
        assertThat(refused.waitTime()).as("3 per 10 s now, and up to one token's interval")
                .isBetween(Duration.ofMillis(2500), Duration.ofMillis(6667));
    }

    @Test
    void anApplicationConnectionCanBeLentAndIsNotClosed() {
        RedisClient app = RedisClient.create(REDIS.server().url());
        try (StatefulRedisConnection<byte[], byte[]> connection = app.connect(ByteArrayCodec.INSTANCE)) {
            boolean[] returned = new boolean[1];
            RedisBudgetStore store = RedisBudgetStore.builder().commands(connection.async(), "the app's redis")
                    .onClose(() -> returned[0] = true).build();
            assertThat(take(store.open(spec("0123456789abcdef0123456789abcdef"))).isGranted()).isTrue();
            store.close();
            assertThat(returned[0]).isTrue();
            assertThat(connection.isOpen()).isTrue();
            assertThat(store.toString()).isEqualTo("the app's redis");
        } finally {
            app.shutdown();
        }
    }

    @Test
    void theStoreNamesNoPassword() {
        RedisBudgetStore store = RedisBudgetStore.builder().url("redis://:s3cret-pass@127.0.0.1:" + REDIS.server().port() + "/3")
                .build();
        stores.add(store);
        assertThat(store.toString()).isEqualTo("redis 127.0.0.1:" + REDIS.server().port() + "/3").doesNotContain("s3cret");
    }

    @Test
    void clientsOfOneKeyShareTheBudgetAndA429HoldsThemAllWhileTheKeyNeverReachesRedis() throws Exception {
        try (Simulator sim = Simulator.builder().apiKey("sk-do-shared-key-0001").queuedFor(Duration.ofMillis(20))
                .runningFor(Duration.ofMillis(20)).start()) {
            AsyncInvokeAsyncClient a = client(sim, store());
            AsyncInvokeAsyncClient b = client(sim, store());
            String id = a.submit(io.asyncinvoke.client.InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build())
                    .block(Duration.ofSeconds(10)).getRequestId();

            // a's next request meets a 429 asking for 2 s: b, another client, waits it out too
            sim.inject(Fault.rateLimited(Duration.ofSeconds(2)).on(Endpoint.GET).times(1));
            CompletableFuture<?> first = a.get(id).toFuture();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sim.journal().countStatus(429) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            Flux.range(0, 3).concatMap(i -> b.get(id)).blockLast(Duration.ofSeconds(20));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            first.join();

            assertThat(tookMillis).as("b was held by a's 429").isGreaterThanOrEqualTo(1000);
            assertThat(sim.journal().countStatus(429)).isEqualTo(1);
            List<String> keys = redis.sync().keys("*");
            assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).startsWith("async-invoke:budget:{")
                    .doesNotContain("sk-do-shared-key-0001"));
            for (String key : keys) {
                if (key.endsWith(":bucket")) {
                    assertThat(new String(redis.sync().get(key).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                            java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("sk-do-shared-key-0001");
                }
            }
        }
    }

    @Test
    void withoutRedisAClientWorksOnItsOwnBudgetAndWarnsOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Logger log = (Logger) LoggerFactory.getLogger("io.asyncinvoke.client.StoredBudget");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(20)).start();
             RedisBudgetStore store = RedisBudgetStore.create("redis://127.0.0.1:" + closedPort)) {
            AsyncInvokeAsyncClient client = client(sim, store);
            long start = System.nanoTime();
            Flux.range(0, 5).flatMap(i -> client.invoke(io.asyncinvoke.client.InvokeRequests.image("fal-ai/flux/schnell")
                    .prompt("x " + i).build())).blockLast(Duration.ofSeconds(30));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("redis 127.0.0.1:" + closedPort)
                            .contains("is unavailable"));
        } finally {
            log.detachAppender(events);
        }
    }

    private static AsyncInvokeAsyncClient client(Simulator sim, RedisBudgetStore store) {
        return new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                .requestBudget(RequestBudgetOptions.of(600, Duration.ofMinutes(1)))
                .budgetStore(store).buildAsyncClient();
    }
}
