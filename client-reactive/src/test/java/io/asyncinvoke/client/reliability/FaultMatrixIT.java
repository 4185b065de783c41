package io.asyncinvoke.client.reliability;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static io.asyncinvoke.client.reliability.Harness.assertNoKey;
import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.awaitWatch;
import static io.asyncinvoke.client.reliability.Harness.image;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.ApiException;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.DecodeException;
import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.NotFoundException;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.SubmitOutcomeUnknownException;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.client.reliability.Harness.Outcome;
import io.asyncinvoke.client.reliability.Harness.WatchResult;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault matrix of docs/RELIABILITY.md: each fault the service or the network can produce,
 * injected over loopback, and what the client does about it — retried and survived, or surfaced as
 * which typed error — within a bounded time. Every error is also checked for the API key.
 */
@ExtendWith(RuntimeGuards.class)
class FaultMatrixIT {

    private static final String LONG_MODEL = "fal-ai/stable-audio-25/text-to-audio";

    private static String submit(AsyncInvokeAsyncClient client) {
        return await(client.submit(image("a lighthouse"))).value().getRequestId();
    }

    private static List<RecordedRequest> answered(Simulator sim, Endpoint endpoint, int status) {
        return sim.journal().requests(endpoint).stream().filter(r -> r.status() == status).collect(Collectors.toList());
    }

    private static void assertCompleted(WatchResult watch, String requestId) {
        assertThat(watch.error).as("watch error").isNull();
        JobUpdate last = watch.last();
        assertThat(last.requestId()).contains(requestId);
        assertThat(last.state()).isEqualTo(JobState.COMPLETED);
        assertThat(last.job()).get().extracting(Job::getOutput).isNotNull();
    }

    // ------------------------------------------------------------------ 429

    @Test
    void rateLimitBurstWithRetryAfterOnPollsIsWaitedOutThenTheWatchCompletes() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.GET).times(2));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
            List<RecordedRequest> polls = sim.journal().requests(Endpoint.GET);
            assertThat(polls.get(0).status()).isEqualTo(429);
            assertThat(polls.get(1).status()).isEqualTo(429);
            for (int i = 0; i < 2; i++) {
                Duration waited = Duration.between(polls.get(i).respondedAt(), polls.get(i + 1).receivedAt());
                assertThat(waited).as("wait after 429 #%d (Retry-After: 1)", i + 1).isGreaterThan(Duration.ofMillis(950));
            }
        }
    }

    @Test
    void rateLimitOnSubmitIsRetriedBecauseNothingWasProcessed() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.SUBMIT).times(1));

            Job job = await(client.submit(image("retry me"))).value();

            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(2);
            assertThat(answered(sim, Endpoint.SUBMIT, 429)).hasSize(1);
            assertThat(sim.jobCount()).as("jobs created").isEqualTo(1);
            assertThat(sim.job(job.getRequestId())).isPresent();
        }
    }

    @Test
    void rateLimitThatOutlastsTheRetriesSurfacesAsRateLimitedException() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.rateLimited(Duration.ofMillis(100)).on(Endpoint.STATUS));

            RateLimitedException error = await(client.status(id)).error(RateLimitedException.class);

            assertThat(error.statusCode()).isEqualTo(429);
            assertThat(error.requestId()).contains(id);
            assertThat(error.rateLimit().remaining()).hasValue(0);
            assertThat(error.rateLimit().retryAfter().orElse(null)).isEqualTo(Duration.ofSeconds(1));
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(Harness.RETRY.maxAttempts());
            assertNoKey(error);
        }
    }

    @Test
    void rateLimitWithOnlyRemainingZeroAndResetIsWaitedUntilTheReset() {
        Script script = Script.of(Answer.json(429, "{\"id\":\"too_many_requests\",\"message\":\"API rate limit exceeded.\"}")
                        .header("ratelimit-limit", "250").header("ratelimit-remaining", "0").header("ratelimit-reset", "1"))
                .otherwise(Answer.json(200, "{\"request_id\":\"r-1\",\"status\":\"IN_PROGRESS\"}"));
        try (Simulator server = Harness.scripted(script)) {
            AsyncInvokeAsyncClient client = Harness.client(server.baseUrl()).buildAsyncClient();

            JobStatus status = await(client.status("r-1")).value();

            assertThat(status.getStatus()).isEqualTo(JobState.IN_PROGRESS);
            List<RecordedRequest> requests = server.journal().requests();
            assertThat(requests).hasSize(2);
            Duration waited = Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt());
            assertThat(waited).as("wait after 429 with ratelimit-reset: 1").isGreaterThan(Duration.ofMillis(950));
        }
    }

    @Test
    void aPollAnsweredWithRemainingZeroDelaysTheNextPollUntilTheReset() {
        Script script = Script.of(Answer.json(200, "{\"request_id\":\"r-2\",\"status\":\"IN_PROGRESS\",\"model_id\":\"m\"}")
                        .header("ratelimit-limit", "250").header("ratelimit-remaining", "0")
                        .header("ratelimit-reset", "1"))
                .otherwise(Answer.json(200, "{\"request_id\":\"r-2\",\"status\":\"COMPLETED\",\"model_id\":\"m\",\"output\":{}}"));
        try (Simulator server = Harness.scripted(script)) {
            AsyncInvokeAsyncClient client = Harness.client(server.baseUrl()).buildAsyncClient();

            WatchResult watch = awaitWatch(client.watch("r-2"));

            assertThat(watch.error).isNull();
            assertThat(watch.statuses()).containsExactly("IN_PROGRESS", "COMPLETED");
            List<RecordedRequest> requests = server.journal().requests();
            Duration waited = Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt());
            assertThat(waited).as("the poll interval is 20 ms, but the server said no request remains for 1 s")
                    .isGreaterThan(Duration.ofMillis(950));
        }
    }

    // ------------------------------------------------------------------ 5xx on polls

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorBurstsOnPollsAreRetriedAndTheWatchCompletes(int status) {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.status(status).on(Endpoint.GET).times(3));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
            assertThat(answered(sim, Endpoint.GET, status)).hasSize(3);
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorsThatOutlastTheRetriesEndTheWatchWithApiException(int status) {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.status(status).on(Endpoint.GET));

            WatchResult watch = awaitWatch(client.watch(id));

            ApiException error = (ApiException) watch.error;
            assertThat(error).isExactlyInstanceOf(ApiException.class);
            assertThat(error.statusCode()).isEqualTo(status);
            assertThat(error.requestId()).contains(id);
            assertThat(error.errorId().orElse(null)).isNotBlank();
            assertThat(error.errorRequestId().orElse(null)).isNotBlank();
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(Harness.RETRY.maxAttempts());
            assertNoKey(error);
        }
    }

    // ------------------------------------------------------------------ submit: 503 and timeouts

    @Test
    void submitAnswered503IsNotRetriedAndTheOutcomeIsUnknown() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.status(503).on(Endpoint.SUBMIT).times(1));

            SubmitOutcomeUnknownException error = await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(error.modelId()).isEqualTo(Harness.IMAGE_MODEL);
            assertThat(error.requestId()).isEmpty();
            assertThat(error.getMessage()).contains(Harness.IMAGE_MODEL).contains("503").contains("may or may not exist");
            assertThat(error.getCause()).isInstanceOfSatisfying(ApiException.class, cause -> {
                assertThat(cause.statusCode()).isEqualTo(503);
                assertThat(cause.errorRequestId().orElse(null)).isNotBlank();
            });
            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("POSTs").isEqualTo(1);
            assertThat(sim.jobCount()).as("this 503 came before processing: no job").isZero();
            assertNoKey(error);
        }
    }

    @Test
    void submitProcessedThenAnswered503IsNotRetriedAlthoughTheJobExists() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.status(503).on(Endpoint.SUBMIT).afterProcessing().times(1));

            SubmitOutcomeUnknownException error = await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(error.getCause()).isInstanceOf(ApiException.class);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("POSTs").isEqualTo(1);
            assertThat(sim.jobCount()).as("the job exists: a blind retry would have made a second one").isEqualTo(1);
        }
    }

    @Test
    void submitWhoseAnswerNeverComesTimesOutAsUnknownAndIsNotRetried() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofMillis(500))
                    .buildAsyncClient();
            sim.inject(Fault.hang().on(Endpoint.SUBMIT).afterProcessing().times(1));

            Outcome<Job> outcome = await(client.submit(image("once")));

            SubmitOutcomeUnknownException error = outcome.error(SubmitOutcomeUnknownException.class);
            assertThat(error.getCause()).isInstanceOfSatisfying(TransportException.class, cause -> {
                assertThat(cause.isTimeout()).isTrue();
                assertThat(cause.requestSent()).isTrue();
            });
            assertThat(error.getMessage()).contains("timed out");
            assertThat(outcome.took).isLessThan(Duration.ofSeconds(10));
            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("POSTs").isEqualTo(1);
            assertThat(sim.jobCount()).as("processed before the hang: the job exists").isEqualTo(1);
        }
    }

    @Test
    void submitHungBeforeProcessingIsAlsoUnknownSinceTheClientCannotTellTheDifference() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofMillis(500))
                    .buildAsyncClient();
            sim.inject(Fault.hang().on(Endpoint.SUBMIT).times(1));

            await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("POSTs").isEqualTo(1);
            assertThat(sim.jobCount()).isZero();
        }
    }

    // ------------------------------------------------------------------ connection refused and reset

    @Test
    void submitToARefusedConnectionIsRetriedAsNotSentThenFailsAsTransportException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CountingListener listener = new CountingListener();
        AsyncInvokeAsyncClient client = Harness.client("http://127.0.0.1:" + port).listener(listener).buildAsyncClient();

        Outcome<Job> outcome = await(client.submit(image("nowhere")));

        TransportException error = outcome.error(TransportException.class);
        assertThat(error.requestSent()).isFalse();
        assertThat(error.isTimeout()).isFalse();
        assertThat(listener.attempts(Operation.SUBMIT)).isEqualTo(Harness.RETRY.maxAttempts());
        assertThat(outcome.took).isLessThan(Duration.ofSeconds(10));
        assertNoKey(error);

        TransportException read = await(client.status("some-id")).error(TransportException.class);
        assertThat(read.requestId()).contains("some-id");
    }

    @Test
    void aSubmitRefusedThenAcceptedLandsExactlyOnce() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CountDownLatch firstRefusal = new CountDownLatch(1);
        CountingListener listener = new CountingListener() {
            @Override
            public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
                Operation operation = exchange.operation();
                super.requestCompleted(exchange, statusCode, error, duration);
                firstRefusal.countDown();
            }
        };
        AsyncInvokeAsyncClient client = Harness.client("http://127.0.0.1:" + port).listener(listener)
                .retryOptions(Harness.RETRY.withMaxAttempts(8).withMaxBackoff(Duration.ofSeconds(2))
                        .withMinBackoff(Duration.ofMillis(300)))
                .buildAsyncClient();

        java.util.concurrent.CompletableFuture<Job> submitted = client.submit(image("late server")).toFuture();
        assertThat(firstRefusal.await(30, TimeUnit.SECONDS)).isTrue();
        try (Simulator sim = Harness.simulator().port(port).start()) {
            Job job = submitted.get(60, TimeUnit.SECONDS);

            assertThat(sim.journal().count(Endpoint.SUBMIT)).as("POSTs that reached the server").isEqualTo(1);
            assertThat(sim.jobCount()).isEqualTo(1);
            assertThat(sim.job(job.getRequestId())).isPresent();
            assertThat(listener.retries(Operation.SUBMIT)).isPositive();
            assertThat(listener.retries).allSatisfy(retry -> assertThat(retry.cause)
                    .isInstanceOfSatisfying(TransportException.class, t -> assertThat(t.requestSent()).isFalse()));
        }
    }

    @Test
    void connectionResetsOnPollsAreRetriedAndTheWatchCompletes() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            // three failures in a row at most: the fourth attempt (RETRY allows 4) succeeds
            sim.inject(Fault.connectionReset().on(Endpoint.GET).times(1));
            sim.inject(Fault.connectionResetMidResponse().on(Endpoint.GET).times(2));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
            assertThat(sim.journal().faultsApplied()).isEqualTo(3);
        }
    }

    @Test
    void connectionResetsThatOutlastTheRetriesEndTheWatchWithTransportException() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.connectionResetMidResponse().on(Endpoint.GET));

            WatchResult watch = awaitWatch(client.watch(id));

            assertThat(watch.error).isInstanceOf(TransportException.class);
            assertThat(((TransportException) watch.error).requestId()).contains(id);
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(Harness.RETRY.maxAttempts());
            assertNoKey(watch.error);
        }
    }

    @Test
    void submitResetMidResponseIsUnknownAndNotRetried() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.connectionResetMidResponse().on(Endpoint.SUBMIT).times(1));

            SubmitOutcomeUnknownException error = await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(error.getCause()).isInstanceOf(TransportException.class);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
            assertThat(sim.jobCount()).as("the answer was cut after processing: the job exists").isEqualTo(1);
        }
    }

    @Test
    void submitResetBeforeAnyAnswerIsUnknownAndNotRetried() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.connectionReset().on(Endpoint.SUBMIT).times(1));

            await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
            assertThat(sim.jobCount()).isZero();
        }
    }

    // ------------------------------------------------------------------ no answer, slow answer

    @Test
    void aPollWhoseAnswerNeverComesTimesOutAndIsRetried() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofMillis(300))
                    .buildAsyncClient();
            String id = submit(client);
            sim.inject(Fault.hang().on(Endpoint.GET).times(1));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
        }
    }

    @Test
    void pollsThatNeverGetAnAnswerEndWithATimeoutWithinTheRetryBudget() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofMillis(300))
                    .buildAsyncClient();
            String id = submit(client);
            sim.inject(Fault.hang().on(Endpoint.STATUS));

            Outcome<JobStatus> outcome = await(client.status(id));

            TransportException error = outcome.error(TransportException.class);
            assertThat(error.isTimeout()).isTrue();
            assertThat(error.requestId()).contains(id);
            // 4 attempts of 300 ms plus backoffs of at most 20 + 40 + 80 ms (+20 % jitter)
            assertThat(outcome.took).isLessThan(Duration.ofSeconds(5));
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(Harness.RETRY.maxAttempts());
        }
    }

    @Test
    void aSlowTricklingBodyWithinTheResponseTimeoutIsReadWhole() {
        // a job long enough for three trickled polls before it ends
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofSeconds(3)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.trickle(Duration.ofMillis(20), 8).on(Endpoint.GET).times(2));
            sim.inject(Fault.trickle(Duration.ofMillis(5), 16).on(Endpoint.GET).times(1));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
            assertThat(sim.journal().faultsApplied()).isEqualTo(3);
        }
    }

    @Test
    void aBodyTricklingPastTheResponseTimeoutTimesOut() {
        try (Simulator sim = Harness.simulator().start()) {
            // each attempt as a whole is bounded by connectTimeout + responseTimeout: 1 s here
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).connectTimeout(Duration.ofMillis(500))
                    .responseTimeout(Duration.ofMillis(500)).buildAsyncClient();
            String id = submit(client);
            // ~80 bytes, 4 bytes every 150 ms: about 3 s per answer, though no gap comes near 500 ms
            sim.inject(Fault.trickle(Duration.ofMillis(150), 4).on(Endpoint.STATUS));

            Outcome<JobStatus> outcome = await(client.status(id));

            TransportException error = outcome.error(TransportException.class);
            assertThat(error.isTimeout()).isTrue();
            assertThat(error.requestId()).contains(id);
            // 4 attempts of at most 1 s each plus backoff, with room for a busy machine; unbounded,
            // each attempt would take the ~3 s the body needs (and succeed)
            assertThat(outcome.took).as("4 attempts of at most 1 s each, plus backoff")
                    .isLessThan(Duration.ofMillis(4 * 1000 + 3000));
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(Harness.RETRY.maxAttempts());
        }
    }

    // ------------------------------------------------------------------ bodies that are not the expected JSON

    @Test
    void truncatedAndMalformedJsonOnPollsIsRetriedAndTheWatchCompletes() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.truncatedJson().on(Endpoint.GET).times(2));
            sim.inject(Fault.malformedJson().on(Endpoint.GET).times(1));

            WatchResult watch = awaitWatch(client.watch(id));

            assertCompleted(watch, id);
            assertThat(sim.journal().faultsApplied()).isEqualTo(3);
        }
    }

    @Test
    void truncatedJsonThatPersistsIsADecodeExceptionWithASnippet() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.truncatedJson().on(Endpoint.STATUS));

            DecodeException error = await(client.status(id)).error(DecodeException.class);

            assertThat(error.requestId()).contains(id);
            assertThat(error.statusCode()).isEqualTo(200);
            assertThat(error.bodySnippet().orElse(null)).startsWith("{").contains("request_id");
            assertNoKey(error);
        }
    }

    @Test
    void malformedJsonThatPersistsIsADecodeExceptionWithASnippet() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.malformedJson().on(Endpoint.GET));

            DecodeException error = await(client.get(id)).error(DecodeException.class);

            assertThat(error.requestId()).contains(id);
            assertThat(error.bodySnippet().orElse(null)).contains("<html>");
        }
    }

    @Test
    void aTruncatedSubmitAnswerIsUnknownNotAGuess() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.truncatedJson().on(Endpoint.SUBMIT).times(1));

            SubmitOutcomeUnknownException error = await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);

            assertThat(error.getCause()).isInstanceOf(DecodeException.class);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
            assertThat(sim.jobCount()).isEqualTo(1);
        }
    }

    @Test
    void htmlErrorPagesFromAProxyAreRetriedOnPollsAndKeptAsASnippetWhenTheyPersist() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            sim.inject(Fault.htmlErrorPage(502).on(Endpoint.GET).times(2));

            assertCompleted(awaitWatch(client.watch(id)), id);

            sim.clearFaults();
            sim.inject(Fault.htmlErrorPage(504).on(Endpoint.STATUS));
            ApiException error = await(client.status(id)).error(ApiException.class);
            assertThat(error.statusCode()).isEqualTo(504);
            assertThat(error.errorId().orElse(null)).isNull();
            assertThat(error.bodySnippet().orElse(null)).contains("504 Gateway Timeout").contains("nginx");
            assertThat(error.requestId()).contains(id);
        }
    }

    @Test
    void anHtmlErrorPageOnSubmitIsUnknownAndAnHtml403IsAnAuthenticationError() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.inject(Fault.htmlErrorPage(502).on(Endpoint.SUBMIT).times(1));
            SubmitOutcomeUnknownException unknown = await(client.submit(image("once"))).error(SubmitOutcomeUnknownException.class);
            assertThat(unknown.getCause()).isInstanceOfSatisfying(ApiException.class,
                    cause -> assertThat(cause.bodySnippet().orElse(null)).contains("502 Bad Gateway"));
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);

            sim.inject(Fault.htmlErrorPage(403).on(Endpoint.STATUS));
            AuthenticationException denied = await(client.status("any-id")).error(AuthenticationException.class);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(sim.journal().count(Endpoint.STATUS)).as("a 403 is not retried").isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ what the service says

    @Test
    void anUnknownStatusIsReportedAsIsAndNeverEndsTheWatchWhichTimesOutNamingIt() {
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);
            assertThat(sim.overrideStatus(id, "CANCELLED")).isTrue();

            WatchResult watch = awaitWatch(client.watch(id, Harness.POLLING.withTimeout(Duration.ofMillis(1500))));

            assertThat(watch.statuses()).containsExactly("CANCELLED");
            assertThat(watch.updates.get(0).state()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
            assertThat(watch.updates.get(0).isTerminal()).isFalse();
            assertThat(watch.error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class, timeout -> {
                assertThat(timeout.requestId()).contains(id);
                assertThat(timeout.lastStatus().orElse(null)).isEqualTo("CANCELLED");
                assertThat(timeout.getMessage()).contains(id).contains("CANCELLED");
            });
            assertThat(sim.journal().count(Endpoint.GET)).as("kept polling").isGreaterThan(5);
        }
    }

    @Test
    void unknownFieldsAreIgnored() {
        try (Simulator sim = Harness.simulator().extraFields(true).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);

            WatchResult watch = awaitWatch(client.submitAndWatch(image("extra fields")));

            assertThat(watch.error).isNull();
            assertThat(watch.statuses()).containsExactly("QUEUED", "IN_PROGRESS", "COMPLETED");
            assertThat(watch.last().job()).get().extracting(Job::getOutput).isNotNull();
        }
    }

    @Test
    void aKeyRevokedInTheMiddleOfAWatchEndsItWithAnAuthenticationErrorAtOnce() {
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);

            WatchResult watch = awaitWatch(client.watch(id).doOnNext(update -> sim.revokeKey()));

            assertThat(watch.updates).hasSize(1);
            assertThat(watch.error).isInstanceOfSatisfying(AuthenticationException.class, error -> {
                assertThat(error.statusCode()).isEqualTo(401);
                assertThat(error.requestId()).contains(id);
            });
            assertThat(answered(sim, Endpoint.GET, 401)).as("a 401 is not retried").hasSize(1);
            assertThat(sim.journal().requests().get(sim.journal().requests().size() - 1).status()).isEqualTo(401);
            assertNoKey(watch.error);
        }
    }

    @Test
    void anUnknownRequestIdIsNotFoundAndNotRetried() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);

            NotFoundException status = await(client.status("no-such-job")).error(NotFoundException.class);
            NotFoundException watch = (NotFoundException) awaitWatch(client.watch("no-such-job")).error;

            assertThat(status.requestId()).contains("no-such-job");
            assertThat(status.statusCode()).isEqualTo(404);
            assertThat(watch.requestId()).contains("no-such-job");
            // status: /status 404, then GET by id to tell an unknown job from a missing call; watch: one GET
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(1);
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(2);
        }
    }

    @Test
    void aJobThatExpiresDuringAWatchEndsItWithNotFound() {
        try (Simulator sim = Harness.simulator().runningFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String id = submit(client);

            WatchResult watch = awaitWatch(client.watch(id).doOnNext(update -> sim.expire(id)));

            assertThat(watch.updates).hasSize(1);
            assertThat(watch.error).isInstanceOfSatisfying(NotFoundException.class,
                    error -> assertThat(error.requestId()).contains(id));
        }
    }

    @Test
    void aJobThatEndsFailedIsATerminalUpdateForWatchAndJobFailedExceptionForInvoke() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            sim.failNextJobs(2, "content policy violation");

            WatchResult watch = awaitWatch(client.submitAndWatch(image("rejected")));
            JobFailedException failed = await(client.invoke(image("rejected too"))).error(JobFailedException.class);

            assertThat(watch.error).isNull();
            assertThat(watch.last().state()).isEqualTo(JobState.FAILED);
            assertThat(watch.last().job()).get().extracting(Job::getError).isEqualTo("content policy violation");
            assertThat(failed.requestId()).hasValueSatisfying(id -> assertThat(id).isNotBlank());
            assertThat(failed.errorMessage().orElse(null)).isEqualTo("content policy violation");
            assertThat(failed.getMessage()).contains(failed.requestId().orElseThrow()).contains("content policy violation");
        }
    }

    // ------------------------------------------------------------------ hostile request ids

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"../x", "a/b", "?q", "#frag", "%2e%2e", "..%2F..%2Fv1", "x/../../v1/async-invoke",
            "a?b=c&d#e", "ジョブ-ü-😀", "..", "."})
    void hostileRequestIdsStayOneSegmentOfTheirOwnPath(String id) {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);

            Outcome<JobStatus> status = await(client.status(id));
            Outcome<Job> job = await(client.get(id));

            if (id.equals(".") || id.equals("..")) {
                assertThat(status.error).isInstanceOf(IllegalArgumentException.class);
                assertThat(job.error).isInstanceOf(IllegalArgumentException.class);
                assertThat(sim.journal().count(Endpoint.ANY)).as("nothing sent").isZero();
                return;
            }
            assertThat(status.error(NotFoundException.class).requestId()).contains(id);
            assertThat(job.error(NotFoundException.class).requestId()).contains(id);
            List<RecordedRequest> requests = sim.journal().requests();
            assertThat(requests).extracting(RecordedRequest::endpoint)
                    .as("status: /status, then GET by id after its 404; get: GET")
                    .containsExactly(Endpoint.STATUS, Endpoint.GET, Endpoint.GET);
            for (RecordedRequest request : requests) {
                assertThat(request.requestId()).as("decoded id of %s", request.rawPath()).isEqualTo(id);
                String segment = request.rawPath().substring("/v1/async-invoke/".length()).replaceFirst("/status$", "");
                assertThat(segment).as(request.rawPath()).doesNotContain("/", "?", "#").matches("[A-Za-z0-9._~%-]+");
            }
        }
    }

    @Test
    void veryLongAndControlCharacterIdsAreRefusedBeforeAnyRequestOrSentWhole() {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            String longest = "ü/".repeat(128);

            assertThat(await(client.status(longest)).error(NotFoundException.class).requestId()).contains(longest);
            assertThat(sim.journal().requests(Endpoint.STATUS)).singleElement()
                    .satisfies(request -> assertThat(request.requestId()).contains(longest));
            assertThat(sim.journal().last().requestId()).contains(longest);

            long before = sim.journal().count(Endpoint.ANY);
            assertThat(await(client.status(longest + "x")).error).isInstanceOf(IllegalArgumentException.class);
            assertThat(await(client.status("a\r\nHost: evil")).error).isInstanceOf(IllegalArgumentException.class);
            assertThat(await(client.status("tab\tid")).error).isInstanceOf(IllegalArgumentException.class);
            assertThat(awaitWatch(client.watch("x".repeat(10_000))).error).isInstanceOf(IllegalArgumentException.class);
            assertThat(sim.journal().count(Endpoint.ANY)).as("nothing sent for refused ids").isEqualTo(before);
        }
    }
}
