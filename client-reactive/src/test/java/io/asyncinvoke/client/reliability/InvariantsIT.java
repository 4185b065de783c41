package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.awaitWatch;
import static io.asyncinvoke.client.reliability.Harness.image;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.reliability.Harness.WatchResult;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * The invariants of docs/RELIABILITY.md that are about time and resources: every watch ends
 * within its timeout with a terminal update or a typed error naming the job and its last status;
 * after a cancel nothing more reaches the server and the pool holds no connection for it.
 */
@ExtendWith(RuntimeGuards.class)
class InvariantsIT {

    /** Reactor Netty's own pool gauges, without Micrometer. */
    static final class PoolGauges implements ConnectionProvider.MeterRegistrar {
        final Map<SocketAddress, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

        @Override
        public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
            pools.put(remoteAddress, metrics);
        }

        int acquired() {
            return pools.values().stream().mapToInt(ConnectionPoolMetrics::acquiredSize).sum();
        }

        int idle() {
            return pools.values().stream().mapToInt(ConnectionPoolMetrics::idleSize).sum();
        }

        int pending() {
            return pools.values().stream().mapToInt(ConnectionPoolMetrics::pendingAcquireSize).sum();
        }
    }

    /** Waits for a condition, checking every 10 ms, failing after {@code bound}. The condition decides, not the clock. */
    static void eventually(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void aWatchThatOutlivesItsTimeoutEndsWithTheRequestIdAndLastStatus() {
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = await(client.submit(image("slow"))).value().getRequestId();

            long start = System.nanoTime();
            WatchResult watch = awaitWatch(client.watch(id, Harness.POLLING.withTimeout(Duration.ofSeconds(1))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(watch.statuses()).endsWith("IN_PROGRESS");
            assertThat(watch.error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class, timeout -> {
                assertThat(timeout.requestId()).contains(id);
                assertThat(timeout.lastStatus().orElse(null)).isEqualTo("IN_PROGRESS");
                assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(1));
                assertThat(timeout.getMessage()).contains(id).contains("IN_PROGRESS");
            });
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aWatchWhosePollHangsStillEndsAtItsTimeoutNamingTheJob() {
        try (Simulator sim = Harness.simulator().start()) {
            // the response timeout (30 s) is far beyond the watch timeout (1 s): the watch's own bound must win
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofSeconds(30))
                    .buildAsyncClient();
            String id = await(client.submit(image("stuck"))).value().getRequestId();
            sim.inject(Fault.hang().on(Endpoint.GET));

            long start = System.nanoTime();
            WatchResult watch = awaitWatch(client.watch(id, Harness.POLLING.withTimeout(Duration.ofSeconds(1))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(watch.updates).isEmpty();
            assertThat(watch.error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class, timeout -> {
                assertThat(timeout.requestId()).contains(id);
                assertThat(timeout.lastStatus().orElse(null)).isNull();
                assertThat(timeout.getMessage()).contains(id).contains("last status: unknown");
            });
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void theBlockingInvokeEndsWithinItsTimeoutToo() {
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeClient client = Harness.client(sim.baseUrl()).buildClient();

            long start = System.nanoTime();
            Throwable error = null;
            try {
                client.invoke(image("slow"), Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                error = e;
            }

            assertThat(error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class, timeout -> {
                assertThat(timeout.requestId()).hasValueSatisfying(id -> assertThat(id).isNotBlank());
                assertThat(timeout.lastStatus().orElse(null)).isIn("QUEUED", "IN_PROGRESS");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancelledWatchesSendNothingMoreAndReleaseTheirConnections() throws InterruptedException {
        PoolGauges gauges = new PoolGauges();
        ConnectionProvider provider = ConnectionProvider.builder("reliability-cancel").maxConnections(32)
                .pendingAcquireMaxCount(-1).metrics(true, () -> gauges).build();
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).httpClient(HttpClient.create(provider))
                    .buildAsyncClient();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(await(client.submit(image("watch " + i))).value().getRequestId());
            }
            List<Disposable> watches = new ArrayList<>();
            for (String id : ids) {
                watches.add(client.watch(id).subscribe());
            }
            eventually("every watch polled at least 5 times", Duration.ofSeconds(30),
                    () -> ids.stream().allMatch(id -> sim.journal().pollsFor(id).size() >= 5));

            Instant cancelled = Instant.now();
            watches.forEach(Disposable::dispose);
            long atCancel = sim.journal().count(Endpoint.ANY);
            // 1.5 s is 75 poll intervals: had polling gone on, about 1,500 more requests would arrive.
            // A request already on its way at the cancel may still land; 500 ms is ample for that.
            Thread.sleep(1500);

            List<RecordedRequest> late = sim.journal().filter(r -> r.receivedAt().isAfter(cancelled.plusMillis(500)));
            assertThat(late).as("requests that arrived after the cancel").isEmpty();
            assertThat(sim.journal().count(Endpoint.ANY) - atCancel).as("requests in flight at the cancel")
                    .isLessThanOrEqualTo(ids.size());
            eventually("no pooled connection is held", Duration.ofSeconds(10), () -> gauges.acquired() == 0);
            assertThat(gauges.pending()).isZero();
            assertThat(sim.openConnections()).as("connections open at the server are idle ones in the pool")
                    .isLessThanOrEqualTo(gauges.idle());

            provider.disposeLater().block(Duration.ofSeconds(10));
            eventually("the server sees every connection closed", Duration.ofSeconds(10), () -> sim.openConnections() == 0);
        } finally {
            provider.dispose();
        }
    }

    @Test
    void cancellingAWatchWhosePollHangsClosesThatConnection() throws InterruptedException {
        PoolGauges gauges = new PoolGauges();
        ConnectionProvider provider = ConnectionProvider.builder("reliability-cancel-hang").maxConnections(8)
                .metrics(true, () -> gauges).build();
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).httpClient(HttpClient.create(provider))
                    .responseTimeout(Duration.ofSeconds(30)).buildAsyncClient();
            String id = await(client.submit(image("hung"))).value().getRequestId();
            sim.inject(Fault.hang().on(Endpoint.GET));

            Disposable watch = client.watch(id).subscribe();
            eventually("the poll is in flight", Duration.ofSeconds(10), () -> sim.journal().pollsFor(id).size() == 1);
            assertThat(gauges.acquired()).isEqualTo(1);
            int openWhileHung = sim.openConnections();
            watch.dispose();

            eventually("the hung connection is given up", Duration.ofSeconds(10), () -> gauges.acquired() == 0);
            eventually("the server sees the hung connection closed", Duration.ofSeconds(10),
                    () -> sim.openConnections() == openWhileHung - 1);
            Thread.sleep(300);
            assertThat(sim.journal().pollsFor(id)).as("no retry after the cancel").hasSize(1);
        } finally {
            provider.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void cancellingSubmitAndWatchDuringTheSubmitSendsNoPoll() throws InterruptedException {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofSeconds(30))
                    .buildAsyncClient();
            sim.inject(Fault.hang().on(Endpoint.SUBMIT).afterProcessing());
            List<JobUpdate> seen = new ArrayList<>();

            Disposable watch = client.submitAndWatch(image("cancel me")).subscribe(seen::add);
            eventually("the submit arrived", Duration.ofSeconds(10), () -> sim.journal().count(Endpoint.SUBMIT) == 1);
            watch.dispose();
            Thread.sleep(500);

            assertThat(seen).isEmpty();
            assertThat(sim.journal().count(Endpoint.ANY)).as("the one POST, no poll, no retry").isEqualTo(1);
            eventually("the hung connection is closed", Duration.ofSeconds(10), () -> sim.openConnections() == 0);
        }
    }
}
