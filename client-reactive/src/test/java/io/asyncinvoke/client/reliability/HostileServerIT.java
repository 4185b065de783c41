package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.image;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.reliability.Harness.Outcome;
import io.asyncinvoke.client.reliability.ScriptedServer.Reply;
import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile or broken service can do with its answers' rate-limit headers, over real HTTP:
 * one answer must never freeze, throttle or break a client for good, and never lose a job the
 * service accepted.
 */
@ExtendWith(RuntimeGuards.class)
class HostileServerIT {

    private static final String JOB = "{\"request_id\":\"job-1\",\"status\":\"QUEUED\",\"model_id\":\"m\"}";
    private static final String TOO_MANY = "{\"id\":\"too_many_requests\",\"message\":\"slow down\"}";

    /** As an application has it: the request budget on, with the default limits. */
    private static AsyncInvokeClientBuilder client(ScriptedServer server) {
        return Harness.client(server.baseUrl()).requestBudget(RequestBudgetOptions.defaults());
    }

    private static Function<ScriptedServer.Exchange, Reply> firstThen(Reply first, Reply then) {
        AtomicInteger n = new AtomicInteger();
        return exchange -> n.getAndIncrement() == 0 ? first : then;
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"3600", "99999999999999999999", "Sat, 31 Dec 2033 23:59:59 GMT"})
    void aLongRetryAfterFailsThatCallAndLaterOnesFastInsteadOfHangingThem(String retryAfter) {
        try (ScriptedServer server = new ScriptedServer(firstThen(Reply.json(429, TOO_MANY).header("Retry-After", retryAfter),
                Reply.json(200, JOB)))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            RateLimitedException first = await(client.get("job-1")).error(RateLimitedException.class);
            Outcome<Job> later = await(client.get("job-1"));
            Outcome<Job> submit = await(client.submit(image("later")));

            assertThat(first.retryAfter()).isLessThanOrEqualTo(Duration.ofHours(1)).isGreaterThan(Duration.ofMinutes(50));
            assertThat(later.error(RateLimitedException.class).retryAfter()).isGreaterThan(Duration.ofMinutes(50));
            assertThat(later.took).as("fails at once, sends nothing").isLessThan(Duration.ofSeconds(1));
            assertThat(submit.error).as("a submit held back was not sent: it is rate limited, not unknown")
                    .isInstanceOf(RateLimitedException.class);
            assertThat(server.requests).hasSize(1);
        }
    }

    @Test
    void aTooManyRequestsOnSubmitWithAnAbsurdRetryAfterIsRateLimitedNotAnUnknownOutcome() {
        try (ScriptedServer server = new ScriptedServer(exchange ->
                Reply.json(429, TOO_MANY).header("Retry-After", "99999999999999999999"))) {
            Throwable error = await(client(server).buildAsyncClient().submit(image("x"))).error;

            assertThat(error).isInstanceOf(RateLimitedException.class);
            assertThat(server.requests).hasSize(1);
        }
    }

    @ParameterizedTest(name = "ratelimit-reset: {0}")
    @ValueSource(strings = {"253402300799", "1999999999", "99999999999999999999999"})
    void anAcceptedJobIsNeverLostToAnAbsurdReset(String reset) {
        try (ScriptedServer server = new ScriptedServer(exchange -> Reply.json(202, JOB)
                .header("ratelimit-limit", "250").header("ratelimit-remaining", "0").header("ratelimit-reset", reset)
                .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-reset-requests", reset))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            Job job = await(client.submit(image("keep me"))).value();
            Outcome<Job> next = await(client.get("job-1"));

            assertThat(job.getRequestId()).isEqualTo("job-1");
            if (!reset.equals("99999999999999999999999")) {
                // a reset years away asks for a hold: clamped to an hour, longer than a call waits
                assertThat(next.error(RateLimitedException.class).retryAfter()).isLessThanOrEqualTo(Duration.ofHours(1));
                assertThat(next.took).isLessThan(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void oneAnswerWithATinyLimitDoesNotThrottleTheClientOnceTheServiceSaysOtherwise() {
        try (ScriptedServer server = new ScriptedServer(firstThen(
                Reply.json(200, JOB).header("ratelimit-limit", "2").header("ratelimit-remaining", "1"),
                Reply.json(200, JOB).header("ratelimit-limit", "250").header("ratelimit-remaining", "240")))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();
            long start = System.nanoTime();

            for (int i = 0; i < 12; i++) {
                assertThat(await(client.get("job-1")).value().getRequestId()).isEqualTo("job-1");
            }

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not one request a minute")
                    .isLessThan(Duration.ofSeconds(30));
        }
    }
}
