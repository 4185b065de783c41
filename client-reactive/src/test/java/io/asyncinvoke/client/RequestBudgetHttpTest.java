package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/** The request budget and the service's rate-limit answers, over real HTTP and the real clock. */
class RequestBudgetHttpTest {

    private static final String KEY = "sk-do-budget-test";
    private Script script;
    private Simulator server;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        script = Script.of();
        server = Simulator.builder().dispatcher(script).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AsyncInvokeClientBuilder builder(RequestBudgetOptions budget) {
        return new AsyncInvokeClientBuilder().endpoint(server.baseUrl()).apiKey(KEY)
                .retryOptions(HttpClientTest.FAST_RETRY).pollingOptions(HttpClientTest.FAST_POLLING)
                .responseTimeout(Duration.ofSeconds(5)).requestBudget(budget)
                .listener(new AsyncInvokeListener() {
                    @Override
                    public void rateLimitWait(Exchange exchange, Duration delay) {
                        waits.add(delay);
                    }
                });
    }

    @Test
    void everyRetryAttemptTakesItsOwnToken() {
        // 4 per 2 s: a burst of 1 token, then one a second
        AsyncInvokeAsyncClient client = builder(RequestBudgetOptions.of(4, Duration.ofSeconds(2))).buildAsyncClient();
        script.then(Answer.json(503, HttpClientTest.error("service_unavailable", "busy")),
                Answer.json(200, HttpClientTest.status("QUEUED")));

        StepVerifier.create(client.status(HttpClientTest.ID))
                .assertNext(s -> assertThat(s.getStatus()).isEqualTo(JobState.QUEUED))
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(HttpClientTest.count(server, "GET")).isEqualTo(2);
        assertThat(waits).hasSize(1);
        assertThat(waits.get(0)).isGreaterThan(Duration.ofMillis(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ratelimit-%s", "x-ratelimit-%s-requests"})
    void noRequestRemainingWaitsForTheResetOnTheWallClock(String family) {
        AsyncInvokeAsyncClient client = builder(RequestBudgetOptions.defaults()).buildAsyncClient();
        long resetEpochSeconds = System.currentTimeMillis() / 1000 + 1;
        script.then(Answer.json(202, HttpClientTest.job("QUEUED"))
                        .header(String.format(family, "limit"), "250")
                        .header(String.format(family, "remaining"), "0")
                        .header(String.format(family, "reset"), String.valueOf(resetEpochSeconds)),
                Answer.json(200, HttpClientTest.job("COMPLETED")));
        long start = System.nanoTime();

        StepVerifier.create(client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build()))
                .assertNext(job -> assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED))
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMillis).as("held until the reset, and no longer")
                .isGreaterThanOrEqualTo(resetEpochSeconds * 1000 - System.currentTimeMillis() - 50)
                .isLessThan(5_000);
        assertThat(waits).isNotEmpty();
    }

    @Test
    void aTooManyRequestsAnswerHoldsEveryRequestOfTheClient() {
        AsyncInvokeAsyncClient client = builder(RequestBudgetOptions.defaults()).buildAsyncClient();
        script.then(Answer.json(429, HttpClientTest.error("too_many_requests", "slow down")).header("Retry-After", "1"),
                Answer.json(200, HttpClientTest.status("QUEUED")),
                Answer.json(200, HttpClientTest.status("QUEUED")));
        long start = System.nanoTime();

        StepVerifier.create(client.status(HttpClientTest.ID).then(client.status(HttpClientTest.ID)))
                .assertNext(s -> assertThat(s.getStatus()).isEqualTo(JobState.QUEUED))
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(950).toNanos());
        assertThat(HttpClientTest.count(server, "GET")).isEqualTo(3);
    }

    @Test
    void aTooManyRequestsAnswerWhoseQuotaResetSaysZeroStillHoldsASecond() {
        AsyncInvokeAsyncClient client = builder(RequestBudgetOptions.defaults()).buildAsyncClient();
        script.then(Answer.json(429, HttpClientTest.error("too_many_requests", "slow down"))
                        .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-reset-requests", "0"),
                Answer.json(200, HttpClientTest.status("QUEUED")));
        long start = System.nanoTime();

        StepVerifier.create(client.status(HttpClientTest.ID))
                .assertNext(s -> assertThat(s.getStatus()).isEqualTo(JobState.QUEUED))
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(System.nanoTime() - start).as("a 0 after a rejection is no safe wait time")
                .isGreaterThan(Duration.ofMillis(950).toNanos());
    }
}
