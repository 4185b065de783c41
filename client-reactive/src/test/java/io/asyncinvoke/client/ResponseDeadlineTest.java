package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The response timeout bounds each API answer as a whole, on every request of a pooled connection. */
class ResponseDeadlineTest {

    /**
     * The first exchange of a JVM loads classes on both sides and can take longer than the short
     * timeouts these tests use; paid here, once, with a generous one.
     */
    @BeforeAll
    static void warmUp() {
        try (Simulator sim = Simulator.builder().start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .buildAsyncClient();
            String id = client.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("p").build()).block()
                    .getRequestId();
            client.status(id).block();
        }
    }

    @Test
    void aTricklingAnswerTimesOutOnEveryRequestOfAPooledConnection() {
        ConnectionProvider oneConnection = ConnectionProvider.builder("deadline").maxConnections(1).build();
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .httpClient(HttpClient.create(oneConnection)).responseTimeout(Duration.ofMillis(400))
                    .retryOptions(RetryOptions.none()).requestBudget(RequestBudgetOptions.disabled())
                    .buildAsyncClient();
            String id = client.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("p").build()).block()
                    .getRequestId();
            for (int i = 0; i < 3; i++) {
                assertThat(client.status(id).block().getRequestId()).isEqualTo(id);
            }
            // The next answer is valid but arrives 2 bytes every 100 ms: seconds in all, never a 400 ms gap.
            sim.inject(Fault.trickle(Duration.ofMillis(100), 2).on(Endpoint.STATUS).times(1));

            long start = System.nanoTime();
            Throwable error = client.status(id).materialize().block().getThrowable();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(error).isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isTimeout()).isTrue());
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            assertThat(client.status(id).block().getRequestId()).as("the next request is served again").isEqualTo(id);
        } finally {
            oneConnection.disposeLater().block();
        }
    }

    @Test
    void aBusyConnectionKeepsOneDeadlineThatMovesOnWithEachRequest() throws Exception {
        ConnectionProvider oneConnection = ConnectionProvider.builder("deadline-busy").maxConnections(1).build();
        List<Long> deadlinesPerExchange = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.create(oneConnection).doOnResponse((response, connection) ->
                deadlinesPerExchange.add(connection.channel().pipeline().names().stream()
                        .filter(ResponseDeadline.NAME::equals).count()));
        Duration timeout = Duration.ofMillis(400);
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .httpClient(http).responseTimeout(timeout)
                    .retryOptions(RetryOptions.none()).requestBudget(RequestBudgetOptions.disabled())
                    .buildAsyncClient();
            String id = client.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("p").build()).block()
                    .getRequestId();
            // Quick exchanges for longer than the timeout: the first deadline's timer fires while later
            // requests are in flight, and must wait for their own deadlines instead of cutting them.
            long busyUntil = System.nanoTime() + timeout.toNanos() * 3 / 2;
            int served = 0;
            while (System.nanoTime() < busyUntil) {
                client.status(id).block();
                served++;
                Thread.sleep(5);
            }
            sim.inject(Fault.trickle(Duration.ofMillis(100), 2).on(Endpoint.STATUS).times(1));
            long start = System.nanoTime();
            Throwable error = client.status(id).materialize().block().getThrowable();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(served).isGreaterThan(10);
            assertThat(error).isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isTimeout()).isTrue());
            assertThat(took).as("bounded by its own deadline, not an earlier one").isGreaterThan(timeout.multipliedBy(9).dividedBy(10))
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(sim.acceptedConnections()).as("one connection until the timeout closed it").isEqualTo(1);
            assertThat(deadlinesPerExchange).as("one deadline handler per connection, reused").containsOnly(1L);
        } finally {
            oneConnection.disposeLater().block();
        }
    }

    @Test
    void clientsSharingAPooledConnectionEachKeepTheirOwnTimeout() {
        ConnectionProvider oneConnection = ConnectionProvider.builder("deadline-shared").maxConnections(1).build();
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeClientBuilder builder = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .httpClient(HttpClient.create(oneConnection))
                    .retryOptions(RetryOptions.none()).requestBudget(RequestBudgetOptions.disabled());
            AsyncInvokeAsyncClient patient = builder.responseTimeout(Duration.ofSeconds(30)).buildAsyncClient();
            AsyncInvokeAsyncClient hasty = builder.responseTimeout(Duration.ofMillis(400)).buildAsyncClient();
            String id = patient.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("p").build()).block()
                    .getRequestId();
            patient.status(id).block(); // the connection's deadline handler now exists, armed for 30 s

            sim.inject(Fault.trickle(Duration.ofMillis(100), 2).on(Endpoint.STATUS).times(1));
            long start = System.nanoTime();
            Throwable error = hasty.status(id).materialize().block().getThrowable();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(error).isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isTimeout()).isTrue());
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            assertThat(sim.acceptedConnections()).as("the same connection served both clients").isEqualTo(1);
        } finally {
            oneConnection.disposeLater().block();
        }
    }

    @Test
    void aQuietPooledConnectionIsNotClosedByAnOldDeadline() throws Exception {
        ConnectionProvider oneConnection = ConnectionProvider.builder("deadline-idle").maxConnections(1).build();
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .httpClient(HttpClient.create(oneConnection)).responseTimeout(Duration.ofMillis(200))
                    .retryOptions(RetryOptions.none()).requestBudget(RequestBudgetOptions.disabled())
                    .buildAsyncClient();
            String id = client.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("p").build()).block()
                    .getRequestId();
            client.status(id).block();
            Thread.sleep(600);

            client.status(id).block();

            assertThat(sim.acceptedConnections()).as("the idle connection was reused, not cut by a stale timer")
                    .isEqualTo(1);
        } finally {
            oneConnection.disposeLater().block();
        }
    }
}
