package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.RateLimitHeaders;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both documented header families drive a watch's delays over real HTTP (the budget: {@link RequestBudgetHttpTest}). */
class RateLimitHeadersHttpTest {

    private static final AsyncInvokeRequest IMAGE = InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build();

    @ParameterizedTest
    @EnumSource(value = RateLimitHeaders.class, names = {"RATELIMIT", "X_RATELIMIT_REQUESTS"})
    void aWatchWaitsForTheResetWhenNoRequestRemains(RateLimitHeaders family) {
        // 3 requests per 2 s: the submit and two polls use the window up; the next poll must wait
        try (Simulator sim = Simulator.builder().rateLimit(3, Duration.ofSeconds(2)).rateLimitHeaders(family)
                .queuedFor(Duration.ofMillis(100)).runningFor(Duration.ofMillis(1500)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .requestBudget(RequestBudgetOptions.disabled())
                    .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(50))
                            .withInterval(Duration.ofMillis(50)).withBackoffFactor(1).withJitter(0))
                    .buildAsyncClient();

            Job job = client.invoke(IMAGE).block(Duration.ofSeconds(30));

            assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
            assertThat(sim.journal().countStatus(429)).as("the watch heeded " + family).isZero();
        }
    }
}
