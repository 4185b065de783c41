package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A client with a {@link BudgetStore}, over real HTTP: what reaches the store. */
class BudgetStoreHttpTest {

    private static final String KEY = "sk-do-budget-store-test";
    private Script script;
    private Simulator server;
    private final CountingStore store = new CountingStore();

    @BeforeEach
    void start() {
        script = Script.of();
        server = Simulator.builder().dispatcher(script).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AsyncInvokeClientBuilder builder() {
        return new AsyncInvokeClientBuilder().endpoint(server.baseUrl()).apiKey(KEY)
                .retryOptions(HttpClientTest.FAST_RETRY).pollingOptions(HttpClientTest.FAST_POLLING)
                .responseTimeout(Duration.ofSeconds(5)).budgetStore(store);
    }

    @Test
    void everyAttemptTakesATokenFromTheStoreAndItsHoldsAndLimitsReachIt() {
        AsyncInvokeAsyncClient client = builder().buildAsyncClient();
        script.then(Answer.json(429, HttpClientTest.error("too_many_requests", "slow down")).header("Retry-After", "1")
                        .header("ratelimit-limit", "100"),
                Answer.json(200, HttpClientTest.status("QUEUED")));

        assertThat(client.status(HttpClientTest.ID).block(Duration.ofSeconds(10)).getStatus()).isEqualTo(JobState.QUEUED);

        assertThat(HttpClientTest.count(server, "GET")).isEqualTo(2);
        assertThat(store.takes).as("the retry took its own token").hasValue(2);
        assertThat(store.holds).containsExactly(Duration.ofSeconds(1));
        assertThat(store.resizes).singleElement().satisfies(b -> assertThat(b.get(0).capacity()).isEqualTo(20));
        assertThat(store.spec.budgetId()).isEqualTo(StoredBudget.budgetId(
                server.baseUrl().toLowerCase(java.util.Locale.ROOT), KEY));
        assertThat(builder().toString()).contains("budgetStore=counting").doesNotContain(KEY);
    }

    @Test
    void aDisabledBudgetOrATransportNeverOpensTheStore() {
        builder().requestBudget(RequestBudgetOptions.disabled()).buildAsyncClient();
        builder().transport(new io.asyncinvoke.client.spi.JobTransport() {
            @Override
            public Mono<io.asyncinvoke.model.Job> submit(io.asyncinvoke.model.AsyncInvokeRequest request) {
                return Mono.empty();
            }

            @Override
            public Mono<io.asyncinvoke.model.JobStatus> status(String requestId) {
                return Mono.empty();
            }

            @Override
            public Mono<io.asyncinvoke.model.Job> job(String requestId) {
                return Mono.empty();
            }
        }).buildAsyncClient();
        assertThat(store.spec).isNull();
    }

    /** Grants every token, counting. */
    private static final class CountingStore extends RecordingBudgetStore {
        final AtomicInteger takes = new AtomicInteger();

        CountingStore() {
            super("counting");
        }

        @Override
        public CompletionStage<Take> tryTake() {
            takes.incrementAndGet();
            return CompletableFuture.completedFuture(Take.granted());
        }
    }
}
