package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.model.ModelInput;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The client over real HTTP on loopback, against a simulator answering what each test scripts. */
class HttpClientTest {

    static final String KEY = "sk-do-test-0123456789abcdef";
    static final String ID = "6590784a-ce47-4556-9ff4-53baff2693fb";
    static final RetryOptions FAST_RETRY = RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5))
            .withMaxBackoff(Duration.ofMillis(20));
    static final PollingOptions FAST_POLLING = PollingOptions.defaults().withFirstDelay(Duration.ofMillis(5))
            .withInterval(Duration.ofMillis(10)).withMaxInterval(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(10));

    private Script script;
    private Simulator server;
    private AsyncInvokeAsyncClient client;

    @BeforeAll
    static void neverHang() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(15));
    }

    @BeforeEach
    void start() {
        script = Script.of();
        server = Simulator.builder().dispatcher(script).start();
        client = builder().buildAsyncClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AsyncInvokeClientBuilder builder() {
        return new AsyncInvokeClientBuilder().endpoint(server.baseUrl()).apiKey(KEY)
                .retryOptions(FAST_RETRY).pollingOptions(FAST_POLLING).responseTimeout(Duration.ofSeconds(5));
    }

    /** How many requests with {@code method} the server received. */
    static long count(Simulator server, String method) {
        return server.journal().filter(r -> r.method().equals(method)).size();
    }

    private long count(String method) {
        return count(server, method);
    }

    static String job(String status) {
        String extra = status.equals("COMPLETED")
                ? ",\"output\":{\"images\":[{\"url\":\"https://media.example/a.png\",\"width\":8,\"height\":8,\"content_type\":\"image/png\"}]}"
                : status.equals("FAILED") ? ",\"error\":\"prompt rejected\"" : "";
        return "{\"request_id\":\"" + ID + "\",\"status\":\"" + status + "\",\"model_id\":\"fal-ai/flux/schnell\","
                + "\"created_at\":\"2026-01-22T19:19:19.112403432Z\"" + extra + "}";
    }

    static String status(String status) {
        return "{\"request_id\":\"" + ID + "\",\"status\":\"" + status + "\"}";
    }

    static String error(String id, String message) {
        return "{\"id\":\"" + id + "\",\"message\":\"" + message + "\",\"request_id\":\"err-77\"}";
    }

    private static AsyncInvokeRequest image() {
        return InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse at dusk").numImages(1)
                .tag("type", "test").build();
    }

    // --- submit ---------------------------------------------------------------------------------

    @Test
    void submitAcceptsA202AndSendsBearerKeyAndJsonBody() throws Exception {
        script.then(Answer.json(202, job("QUEUED")));

        Job job = client.submit(image()).block();

        assertThat(job.getRequestId()).isEqualTo(ID);
        assertThat(job.getStatus()).isEqualTo(JobState.QUEUED);
        RecordedRequest post = server.journal().requests().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.rawPath()).isEqualTo("/v1/async-invoke");
        assertThat(post.headers()).containsEntry("authorization", "Bearer " + KEY)
                .containsEntry("content-type", "application/json")
                .containsEntry("accept", "application/json");
        assertThat(post.headers().get("user-agent")).startsWith("async-invoke-java/");
        JsonNode body = AsyncInvokeJson.MAPPER.readTree(post.body());
        assertThat(body).isEqualTo(AsyncInvokeJson.MAPPER.readTree("{\"model_id\":\"fal-ai/flux/schnell\","
                + "\"input\":{\"prompt\":\"a lighthouse at dusk\",\"num_images\":1},"
                + "\"tags\":[{\"key\":\"type\",\"value\":\"test\"}]}"));
    }

    @Test
    void submitAcceptsA200() {
        script.then(Answer.json(200, job("QUEUED")));

        StepVerifier.create(client.submit(image()))
                .assertNext(job -> assertThat(job.getRequestId()).isEqualTo(ID))
                .verifyComplete();
    }

    @Test
    void userAgentSuffixIsAppended() {
        script.then(Answer.json(202, job("QUEUED")));

        builder().userAgentSuffix("my-app/1.2").buildAsyncClient().submit(image()).block();

        assertThat(server.journal().requests().get(0).headers().get("user-agent")).endsWith(" my-app/1.2");
    }

    @Test
    void submitIsNotRetriedOn503AndSaysTheOutcomeIsUnknown() {
        script.otherwise(Answer.json(503, error("service_unavailable", "try later")));

        StepVerifier.create(client.submit(image()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(SubmitOutcomeUnknownException.class)
                            .hasMessageContaining("may or may not exist");
                    assertThat(((SubmitOutcomeUnknownException) error).modelId()).isEqualTo("fal-ai/flux/schnell");
                    assertThat(error.getCause()).isInstanceOfSatisfying(ApiException.class, cause -> {
                        assertThat(cause.statusCode()).isEqualTo(503);
                        assertThat(cause.errorId().orElse(null)).isEqualTo("service_unavailable");
                    });
                })
                .verify();

        assertThat(count("POST")).isEqualTo(1);
    }

    @Test
    void submitIsNotRetriedOn500() {
        script.otherwise(Answer.json(500, error("server_error", "Unexpected server-side error")));

        StepVerifier.create(client.submit(image())).expectError(SubmitOutcomeUnknownException.class).verify();

        assertThat(count("POST")).isEqualTo(1);
    }

    @Test
    void submitIsRetriedOn429AndThenSucceeds() {
        script.then(Answer.json(429, error("too_many_requests", "API rate limit exceeded.")).header("Retry-After", "0"),
                Answer.json(202, job("QUEUED")));

        StepVerifier.create(client.submit(image()))
                .assertNext(job -> assertThat(job.getRequestId()).isEqualTo(ID))
                .verifyComplete();

        assertThat(count("POST")).isEqualTo(2);
    }

    @Test
    void submitThatTimesOutAfterSendingIsNotRetried() {
        script.otherwise(Answer.hang());
        AsyncInvokeAsyncClient impatient = builder().responseTimeout(Duration.ofMillis(300)).buildAsyncClient();

        StepVerifier.create(impatient.submit(image()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(SubmitOutcomeUnknownException.class);
                    assertThat(error.getCause()).isInstanceOfSatisfying(TransportException.class, cause -> {
                        assertThat(cause.isTimeout()).isTrue();
                        assertThat(cause.requestSent()).isTrue();
                    });
                })
                .verify();

        assertThat(count("POST")).isEqualTo(1);
    }

    @Test
    void submitToARefusedConnectionIsRetriedThenFailsAsNotSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AtomicInteger attempts = new AtomicInteger();
        AsyncInvokeAsyncClient refused = builder().endpoint("http://127.0.0.1:" + closedPort)
                .listener(new AsyncInvokeListener() {
                    @Override
                    public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
                Operation operation = exchange.operation();
                        attempts.incrementAndGet();
                    }
                }).buildAsyncClient();

        StepVerifier.create(refused.submit(image()))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.requestSent()).isFalse()))
                .verify();

        assertThat(attempts).hasValue(FAST_RETRY.maxAttempts());
    }

    @Test
    void aMalformedSubmitAnswerIsAnUnknownOutcomeNotAGuess() {
        script.then(Answer.json(202, "{\"request_id\":\"" + ID + "\",\"status\":"));

        StepVerifier.create(client.submit(image()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(SubmitOutcomeUnknownException.class);
                    assertThat(error.getCause()).isInstanceOfSatisfying(DecodeException.class,
                            cause -> assertThat(cause.bodySnippet().orElse(null)).startsWith("{\"request_id\""));
                })
                .verify();
        assertThat(count("POST")).isEqualTo(1);
    }

    // --- reads and errors -----------------------------------------------------------------------

    @Test
    void statusAndGetReadTheirPaths() {
        script.then(Answer.json(200, status("IN_PROGRESS")), Answer.json(200, job("COMPLETED")));

        JobStatus status = client.status(ID).block();
        Job job = client.get(ID).block();

        assertThat(status.getStatus()).isEqualTo(JobState.IN_PROGRESS);
        assertThat(job.getOutput()).containsKey("images");
        assertThat(server.journal().requests()).extracting(r -> r.method() + " " + r.rawPath()).containsExactly(
                "GET /v1/async-invoke/" + ID + "/status", "GET /v1/async-invoke/" + ID);
    }

    @Test
    void readsAreRetriedOn503ThenSucceed() {
        script.then(Answer.json(503, error("service_unavailable", "busy")), Answer.json(200, status("QUEUED")));

        StepVerifier.create(client.status(ID))
                .assertNext(s -> assertThat(s.getStatus()).isEqualTo(JobState.QUEUED))
                .verifyComplete();

        assertThat(count("GET")).isEqualTo(2);
    }

    @Test
    void aHungReadIsRetriedAndThenFailsAsATimeout() {
        script.otherwise(Answer.hang());
        AsyncInvokeAsyncClient impatient = builder().responseTimeout(Duration.ofMillis(200)).buildAsyncClient();

        StepVerifier.create(impatient.status(ID))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.isTimeout()).isTrue();
                    assertThat(e.requestId()).contains(ID);
                }))
                .verify();

        assertThat(count("GET")).isEqualTo(FAST_RETRY.maxAttempts());
    }

    @Test
    void eachErrorStatusMapsToItsTypeKeepingEveryServerDetail() {
        record Case(int status, Class<? extends ApiException> type) { }
        for (Case c : List.of(new Case(400, ApiException.class), new Case(401, AuthenticationException.class),
                new Case(403, AuthenticationException.class), new Case(404, NotFoundException.class),
                new Case(409, ApiException.class))) {
            script.then(Answer.json(c.status, error("e" + c.status, "message " + c.status))
                    .header("ratelimit-limit", "250").header("ratelimit-remaining", "17")
                    .header("ratelimit-reset", "1769109619"));

            StepVerifier.create(client.get(ID))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isExactlyInstanceOf(c.type);
                        ApiException e = (ApiException) error;
                        assertThat(e.statusCode()).isEqualTo(c.status);
                        assertThat(e.errorId().orElse(null)).isEqualTo("e" + c.status);
                        assertThat(e.errorMessage().orElse(null)).isEqualTo("message " + c.status);
                        assertThat(e.errorRequestId().orElse(null)).isEqualTo("err-77");
                        assertThat(e.requestId()).contains(ID);
                        assertThat(e.rateLimit().limit()).hasValue(250);
                        assertThat(e.rateLimit().remaining()).hasValue(17);
                        assertThat(e.rateLimit().reset().orElseThrow().getEpochSecond()).isEqualTo(1769109619L);
                        assertThat(e).hasMessageContaining(String.valueOf(c.status)).hasMessageContaining("message " + c.status);
                    })
                    .verify();
        }
        assertThat(count("GET")).as("none of these is retried").isEqualTo(5);
    }

    @Test
    void rateLimitedReadsEndWithRateLimitedExceptionCarryingRetryAfter() {
        script.otherwise(Answer.json(429, error("too_many_requests", "API rate limit exceeded."))
                .header("Retry-After", "0").header("ratelimit-remaining", "0"));

        StepVerifier.create(client.status(ID))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.retryAfter().orElse(null)).isEqualTo(Duration.ZERO);
                    assertThat(e.rateLimit().remaining()).hasValue(0);
                }))
                .verify();

        assertThat(count("GET")).isEqualTo(FAST_RETRY.maxAttempts());
    }

    @Test
    void aNonJsonErrorPageIsKeptAsASnippet() {
        script.otherwise(Answer.of(502, "text/html",
                "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>"));

        StepVerifier.create(client.get(ID))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.errorId().orElse(null)).isNull();
                    assertThat(e.bodySnippet().orElse(null)).contains("502 Bad Gateway").doesNotContain("\n");
                    assertThat(e).hasMessageContaining("502").hasMessageContaining("Bad Gateway");
                }))
                .verify();
        assertThat(count("GET")).as("502 on a read is retried").isEqualTo(FAST_RETRY.maxAttempts());
    }

    @Test
    void aTruncatedReadIsADecodeErrorWithTheStartOfTheBody() {
        script.otherwise(Answer.json(200, "{\"request_id\":\"" + ID + "\",\"sta"));

        StepVerifier.create(client.status(ID))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(200);
                    assertThat(e.bodySnippet().orElse(null)).startsWith("{\"request_id\"");
                    assertThat(e.requestId()).contains(ID);
                }))
                .verify();
    }

    @Test
    void anAnswerWithoutStatusIsADecodeError() {
        script.otherwise(Answer.json(200, "{\"request_id\":\"" + ID + "\"}"));

        StepVerifier.create(client.status(ID)).expectError(DecodeException.class).verify();
    }

    @Test
    void unknownStatusAndUnknownFieldsDoNotBreakAWatch() {
        script.then(Answer.json(200, "{\"request_id\":\"" + ID + "\",\"status\":\"CANCELLING\",\"priority\":3}"),
                Answer.json(200, job("COMPLETED").replace("{\"request_id\"", "{\"region\":{\"name\":\"nyc\"},\"request_id\"")));

        StepVerifier.create(client.watch(ID))
                .assertNext(u -> {
                    assertThat(u.status()).isEqualTo("CANCELLING");
                    assertThat(u.state()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
                })
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();
    }

    // --- request ids on the path ------------------------------------------------------------------

    @Test
    void hostileRequestIdsStayOneEscapedPathSegment() {
        Map<String, String> expected = Map.of(
                "../x", "..%2Fx",
                "a/b", "a%2Fb",
                "?q", "%3Fq",
                "a#b", "a%23b",
                "100%", "100%25",
                "caf\u00e9-\u6f22", "caf%C3%A9-%E6%BC%A2",
                "..%2F..%2Fadmin", "..%252F..%252Fadmin");
        script.otherwise(Answer.json(404, error("not_found", "no such job")));

        expected.forEach((id, escaped) -> StepVerifier.create(client.get(id))
                .expectError(NotFoundException.class).verify());

        assertThat(server.journal().requests()).extracting(r -> r.rawPath()).containsExactlyInAnyOrderElementsOf(
                expected.values().stream().map(e -> "/v1/async-invoke/" + e).toList());
    }

    @Test
    void malformedRequestIdsFailBeforeAnyRequest() {
        for (String id : new String[] {null, "", "  ", ".", "..", "a b", "line\nbreak", "x".repeat(257)}) {
            StepVerifier.create(client.status(id)).expectError(IllegalArgumentException.class).verify();
            StepVerifier.create(client.get(id)).expectError(IllegalArgumentException.class).verify();
            StepVerifier.create(client.watch(id)).expectError(IllegalArgumentException.class).verify();
        }
        assertThat(server.journal().requests()).isEmpty();
    }

    @Test
    void badRequestsFailBeforeAnyRequestWithAClearMessage() {
        List<AsyncInvokeRequest> bad = new ArrayList<>();
        bad.add(null);
        bad.add(new AsyncInvokeRequest().input(new ModelInput().prompt("p")));
        bad.add(new AsyncInvokeRequest().modelId(" ").input(new ModelInput().prompt("p")));
        bad.add(new AsyncInvokeRequest().modelId("fal-ai/flux/schnell"));
        bad.add(new AsyncInvokeRequest().modelId("fal-ai/flux/schnell").input(new ModelInput().numImages(0)));
        bad.add(new AsyncInvokeRequest().modelId("fal-ai/flux/schnell").input(new ModelInput().secondsTotal(-5)));
        bad.add(new AsyncInvokeRequest().modelId("m").input(new ModelInput().prompt("p"))
                .addTagsItem(new io.asyncinvoke.model.Tag().key("").value("v")));

        for (AsyncInvokeRequest request : bad) {
            StepVerifier.create(client.submit(request)).expectError(IllegalArgumentException.class).verify();
            StepVerifier.create(client.submitAndWatch(request)).expectError(IllegalArgumentException.class).verify();
        }
        assertThat(server.journal().requests()).isEmpty();
    }

    @Test
    void nothingIsSentUntilSubscription() throws Exception {
        script.otherwise(Answer.json(202, job("QUEUED")));

        client.submit(image());
        client.status(ID);
        client.get(ID);
        client.watch(ID);
        client.submitAndWatch(image());
        client.invoke(image());
        Thread.sleep(100);

        assertThat(server.journal().requests()).isEmpty();
    }

    // --- watching over HTTP -------------------------------------------------------------------------

    @Test
    void submitAndWatchStreamsEachChangeThenTheCompletedJob() {
        script.then(Answer.json(202, job("QUEUED")),
                Answer.json(200, job("QUEUED")), Answer.json(200, job("IN_PROGRESS")),
                Answer.json(200, job("IN_PROGRESS")), Answer.json(200, job("COMPLETED")));

        StepVerifier.create(client.submitAndWatch(image()))
                .assertNext(u -> assertThat(u.job()).hasValueSatisfying(j -> assertThat(j.getStatus()).isEqualTo(JobState.QUEUED)))
                .assertNext(u -> assertThat(u.status()).isEqualTo("IN_PROGRESS"))
                .assertNext(u -> assertThat(u.job()).hasValueSatisfying(j -> assertThat(j.getOutput()).containsKey("images")))
                .verifyComplete();

        assertThat(count("POST")).isEqualTo(1);
        assertThat(server.journal().requests()).as("every poll reads the whole job; the last one is the result")
                .extracting(r -> r.method() + " " + r.rawPath()).containsExactly("POST /v1/async-invoke",
                        "GET /v1/async-invoke/" + ID, "GET /v1/async-invoke/" + ID, "GET /v1/async-invoke/" + ID,
                        "GET /v1/async-invoke/" + ID);
    }

    @Test
    void invokeReturnsTheCompletedJob() {
        script.then(Answer.json(202, job("QUEUED")), Answer.json(200, job("COMPLETED")));

        StepVerifier.create(client.invoke(image()))
                .assertNext(job -> assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED))
                .verifyComplete();
    }

    @Test
    void invokeOfAFailedJobErrorsWithTheRequestIdAndServerMessage() {
        script.then(Answer.json(202, job("QUEUED")), Answer.json(200, job("FAILED")));

        StepVerifier.create(client.invoke(image()))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.requestId()).contains(ID);
                    assertThat(e.errorMessage().orElse(null)).isEqualTo("prompt rejected");
                    assertThat(e.job().getStatus()).isEqualTo(JobState.FAILED);
                    assertThat(e).hasMessageContaining(ID).hasMessageContaining("prompt rejected");
                }))
                .verify();
    }

    @Test
    void aKeyRevokedDuringAWatchEndsItWithAnAuthenticationError() {
        script.then(Answer.json(200, job("IN_PROGRESS")))
                .otherwise(Answer.json(401, error("unauthorized", "Unable to authenticate you.")));

        StepVerifier.create(client.watch(ID))
                .expectNextCount(1)
                .expectError(AuthenticationException.class)
                .verify();
        assertThat(count("GET")).as("401 is not retried").isEqualTo(2);
    }

    // --- the key ----------------------------------------------------------------------------------

    @Test
    void theKeyNeverAppearsInMessagesEvenWhenTheServerEchoesIt() {
        script.then(Answer.json(401, error("unauthorized", "bad key " + KEY)));
        ApiException echoed = (ApiException) client.get(ID).materialize().block().getThrowable();
        assertThat(echoed.errorMessage().orElse(null)).doesNotContain(KEY).contains("[REDACTED]");
        assertThat(echoed.getMessage()).doesNotContain(KEY);

        script.then(Answer.of(400, "text/html", "<p>Authorization: Bearer " + KEY + "</p>"));
        ApiException page = (ApiException) client.get(ID).materialize().block().getThrowable();
        assertThat(page.bodySnippet().orElse(null)).doesNotContain(KEY);
        assertThat(page.getMessage()).doesNotContain(KEY);
        assertThat(client.toString()).doesNotContain(KEY);
        assertThat(builder().toString()).doesNotContain(KEY);
    }

    @Test
    void theKeyIsReadFromTheEnvironmentWhenNotGiven() {
        script.then(Answer.json(200, status("QUEUED")));
        AsyncInvokeAsyncClient fromEnv = new AsyncInvokeClientBuilder().endpoint(server.baseUrl())
                .environment(name -> name.equals("MODEL_ACCESS_KEY") ? "sk-do-from-env" : null).buildAsyncClient();

        fromEnv.status(ID).block();

        assertThat(server.journal().requests().get(0).headers()).containsEntry("authorization", "Bearer sk-do-from-env");
    }

    @Test
    void aMissingKeyIsAClearErrorAtBuildTime() {
        assertThatThrownBy(() -> new AsyncInvokeClientBuilder().environment(name -> null).buildAsyncClient())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("MODEL_ACCESS_KEY");
        assertThatThrownBy(() -> new AsyncInvokeClientBuilder().apiKey("sk-do-a\r\nX-Evil: 1").buildAsyncClient())
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-do-a");
    }

    @Test
    void anyBearerTokenThatCouldBeRealIsAcceptedWhateverItsPrefix() {
        script.otherwise(Answer.json(200, status("QUEUED")));
        for (String key : new String[] {"dop_v1_" + "0123456789abcdef".repeat(4), "sk-do-" + "x".repeat(40), "8chars!!"}) {
            builder().apiKey(key).buildAsyncClient().get(ID).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                    .block();
            assertThat(server.journal().last().headers()).containsEntry("authorization", "Bearer " + key);
        }
    }

    @Test
    void keysThatCannotBeRealAreRefusedBeforeAnyRequestWithoutEchoingThem() {
        for (String bad : new String[] {"k", "sk-do-a", "sk-do-abc def", "sk-do-abc\tdef", "sk-do-abc\u00a0def",
                "sk-do-abcdef\n", "sk-do-\u0000abcdef"}) {
            assertThatThrownBy(() -> builder().apiKey(bad).buildAsyncClient()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad.length() > 2 ? bad.strip() : "[key]"));
        }
        assertThatThrownBy(() -> builder().apiKey("   ").buildAsyncClient()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder().apiKey("k").buildAsyncClient()).hasMessageContaining("too short");
        assertThat(server.journal().requests()).isEmpty();
    }

    @Test
    void aOneDigitPortIsAPortNotPartOfTheHostName() {
        AsyncInvokeAsyncClient onPort9 = builder().endpoint("http://127.0.0.1:9").retryOptions(RetryOptions.none())
                .buildAsyncClient();

        Throwable error = onPort9.get(ID).materialize().block(Duration.ofSeconds(20)).getThrowable();

        assertThat(error).isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.requestSent()).as("refused, not resolved as a host name").isFalse();
            assertThat(e.getMessage()).doesNotContain("resolve").contains("127.0.0.1");
        });
        assertThat(onPort9.toString()).contains("http://127.0.0.1:9").doesNotContain(":09");
    }

    @Test
    void plainHttpIsRefusedOffLoopbackUnlessAllowed() {
        assertThatThrownBy(() -> new AsyncInvokeClientBuilder().apiKey(KEY).endpoint("http://inference.example.com")
                .buildAsyncClient()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThat(new AsyncInvokeClientBuilder().apiKey(KEY).endpoint("http://inference.example.com")
                .allowInsecureHttp(true).buildAsyncClient()).isNotNull();
        assertThat(new AsyncInvokeClientBuilder().apiKey(KEY).endpoint("http://localhost:8080").buildAsyncClient())
                .isNotNull();
        for (String loopback : new String[] {"http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:8080",
                "http://[0:0:0:0:0:0:0:1]", "http://LOCALHOST:1234", "http://localhost./v1"}) {
            assertThat(new AsyncInvokeClientBuilder().apiKey(KEY).endpoint(loopback).buildAsyncClient()).as(loopback)
                    .isNotNull();
        }
        // names that only look like loopback resolve wherever their owner points them: the key would leave in clear
        for (String lookalike : new String[] {"http://127.attacker.example:8080", "http://127.0.0.1.attacker.example",
                "http://127.0.0.1.nip.io", "http://localhost.attacker.example", "http://127.0.0.256",
                "http://127.0.0", "http://[::ffff:8.8.8.8]", "http://[::2]", "http://0x7f.0.0.1"}) {
            assertThatThrownBy(() -> new AsyncInvokeClientBuilder().apiKey(KEY).endpoint(lookalike).buildAsyncClient())
                    .as(lookalike).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[] {"ftp://x", "inference.do-ai.run", "https://user:pw@host", "https://h/?q=1", "::"}) {
            assertThatThrownBy(() -> new AsyncInvokeClientBuilder().apiKey(KEY).endpoint(bad).buildAsyncClient())
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anEndpointPathPrefixIsKept() {
        script.then(Answer.json(200, status("QUEUED")));

        builder().endpoint(server.baseUrl() + "/proxy/").buildAsyncClient().status(ID).block();

        assertThat(server.journal().requests().get(0).rawPath()).isEqualTo("/proxy/v1/async-invoke/" + ID + "/status");
    }

    @Test
    void aSharedHttpClientKeepsItsOwnSettings() {
        script.then(Answer.json(200, status("QUEUED")));
        HttpClient shared = HttpClient.create().headers(h -> h.set("X-Team", "imaging"));

        builder().httpClient(shared).buildAsyncClient().status(ID).block();

        assertThat(server.journal().requests().get(0).headers()).containsEntry("x-team", "imaging")
                .containsEntry("authorization", "Bearer " + KEY);
    }

    // --- blocking facade ----------------------------------------------------------------------------

    @Test
    void theBlockingClientDelegates() {
        script.then(Answer.json(202, job("QUEUED")), Answer.json(200, status("IN_PROGRESS")),
                Answer.json(200, job("IN_PROGRESS")),
                Answer.json(200, job("IN_PROGRESS")), Answer.json(200, job("COMPLETED")),
                Answer.json(202, job("QUEUED")), Answer.json(200, job("COMPLETED")));
        AsyncInvokeClient blocking = builder().buildClient();

        assertThat(blocking.submit(image()).getStatus()).isEqualTo(JobState.QUEUED);
        assertThat(blocking.status(ID).getStatus()).isEqualTo(JobState.IN_PROGRESS);
        assertThat(blocking.get(ID).getStatus()).isEqualTo(JobState.IN_PROGRESS);
        List<String> seen = new ArrayList<>();
        JobUpdate last = blocking.watch(ID, update -> seen.add(update.status()));
        assertThat(seen).containsExactly("IN_PROGRESS", "COMPLETED");
        assertThat(last.job()).isPresent();
        assertThat(blocking.invoke(image(), Duration.ofSeconds(5)).getOutput()).containsKey("images");
    }

    @Test
    void theBlockingClientThrowsTheTypedErrors() {
        script.then(Answer.json(404, error("not_found", "no such job")),
                Answer.json(202, job("QUEUED")), Answer.json(200, job("FAILED")));
        AsyncInvokeClient blocking = builder().buildClient();

        assertThatThrownBy(() -> blocking.get(ID)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> blocking.invoke(image(), Duration.ofSeconds(5))).isInstanceOf(JobFailedException.class);
    }

    @Test
    void theBlockingInvokeTimesOutWithTheRequestIdToResume() {
        script.then(Answer.json(202, job("QUEUED"))).otherwise(Answer.json(200, job("IN_PROGRESS")));
        AsyncInvokeClient blocking = builder().buildClient();

        assertThatThrownBy(() -> blocking.invoke(image(), Duration.ofMillis(300)))
                .isInstanceOfSatisfying(AsyncInvokeTimeoutException.class, e -> {
                    assertThat(e.requestId()).contains(ID);
                    assertThat(e.lastStatus().orElse(null)).isEqualTo("IN_PROGRESS");
                });
    }
}
