package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.assertNoKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.client.reliability.Harness.Outcome;
import io.asyncinvoke.client.reliability.ScriptedServer.Reply;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import reactor.core.publisher.Mono;

/**
 * Property-based: whatever a server answers — any status, any headers, any body, or nothing —
 * every call ends within a bound, with a value or one of the client's typed errors
 * ({@link AsyncInvokeException}), and never with the key in it. Runs on jqwik beside JUnit
 * Jupiter; the seeds are fixed so that CI is repeatable (remove them to explore further).
 */
class RandomResponsesIT {

    private static final String SEED = "20260122";
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<String> KNOWN_STATUSES = List.of("QUEUED", "IN_PROGRESS", "COMPLETED", "FAILED");

    private static final AtomicReference<List<Reply>> SCRIPT = new AtomicReference<>(List.of());
    private static ScriptedServer server;
    private static Simulator simulator;
    private static AsyncInvokeAsyncClient client;
    private static AsyncInvokeAsyncClient simulatorClient;

    /** The operations a caller can run. */
    enum Call { SUBMIT, STATUS, GET, WATCH, SUBMIT_AND_WATCH, INVOKE }

    @BeforeContainer
    static void start() {
        RuntimeGuards.checkEnvironment();
        server = new ScriptedServer(exchange -> {
            List<Reply> replies = SCRIPT.get();
            return replies.isEmpty() ? Reply.json(500, "{}") : replies.get(exchange.index % replies.size());
        });
        // 3 attempts, short backoff, server waits honoured up to 1 s; watches of 1 s
        client = Harness.client(server.baseUrl())
                .connectTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofMillis(500))
                .retryOptions(RetryOptions.defaults().withMaxAttempts(3).withMinBackoff(Duration.ofMillis(5))
                        .withMaxBackoff(Duration.ofMillis(20)).withJitter(0.5).withMaxServerDelay(Duration.ofSeconds(1)))
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(10))
                        .withBackoffFactor(1.0).withMaxInterval(Duration.ofMillis(10)).withJitter(0.0)
                        .withTimeout(Duration.ofSeconds(1)))
                .buildAsyncClient();
        simulator = Harness.simulator().start();
        simulatorClient = Harness.client(simulator);
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        server.close();
        simulator.close();
        RuntimeGuards.checkNoLeaks(RandomResponsesIT.class.getSimpleName());
    }

    @AfterTry
    void noBlockingCalls() {
        RuntimeGuards.checkNoBlockingCalls("a try of " + RandomResponsesIT.class.getSimpleName());
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 250, seed = SEED)
    void anyAnswersEndInAValueOrATypedErrorWithinABound(@ForAll("scripts") List<Reply> replies, @ForAll Call call) {
        SCRIPT.set(replies);
        Outcome<?> outcome = Harness.await(run(call), BOUND);

        if (outcome.error != null) {
            assertThat(outcome.error).as("error of %s", call).isInstanceOf(AsyncInvokeException.class);
            assertNoKey(outcome.error);
        } else {
            checkValue(call, outcome.value);
        }
    }

    @Property(tries = 100, seed = SEED)
    void aValidAnswerIsReadWhateverItsRateLimitHeadersSay(@ForAll("rateLimitHeaders") List<Map.Entry<String, String>> headers,
                                                          @ForAll("knownStatus") String status) {
        Reply reply = Reply.json(200, "{\"request_id\":\"job-1\",\"status\":\"" + status + "\",\"model_id\":\"m\"}");
        for (Map.Entry<String, String> header : headers) {
            reply = reply.header(header.getKey(), header.getValue());
        }
        SCRIPT.set(List.of(reply));

        Outcome<JobStatus> read = Harness.await(client.status("job-1"), BOUND);
        Outcome<List<JobUpdate>> watch = Harness.await(client.watch("job-1", client.pollingOptions()
                .withTimeout(Duration.ofMillis(300))).collectList(), BOUND);

        assertThat(read.error).as("status() of a 200 with %s", headers).isNull();
        assertThat(read.value.getStatus().getValue()).isEqualTo(status);
        if (watch.error != null) {
            // a watch of a job that does not end, or headers asking for a wait beyond the watch's 300 ms:
            // the watch times out, naming the status
            assertThat(watch.error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class,
                    timeout -> assertThat(timeout.lastStatus()).isEqualTo(status));
        } else {
            assertThat(watch.value).isNotEmpty();
            assertThat(watch.value.get(watch.value.size() - 1).status()).isEqualTo(status);
        }
    }

    @Property(tries = 300, seed = SEED)
    void anyRequestIdIsRefusedUpFrontOrSentAsExactlyOnePathSegment(@ForAll("requestIds") String id) {
        simulator.journal().clear();

        Outcome<JobStatus> outcome = Harness.await(simulatorClient.status(id), BOUND);

        List<RecordedRequest> requests = simulator.journal().requests();
        if (outcome.error instanceof IllegalArgumentException) {
            assertThat(requests).as("a refused id sends nothing").isEmpty();
            return;
        }
        assertThat(outcome.error).isInstanceOf(AsyncInvokeException.class);
        assertThat(requests).hasSize(1);
        RecordedRequest request = requests.get(0);
        assertThat(request.endpoint()).as(request.rawPath()).isEqualTo(Endpoint.STATUS);
        assertThat(request.requestId()).as("the id the server decoded from %s", request.rawPath()).isEqualTo(id);
        String segment = request.rawPath().substring("/v1/async-invoke/".length(), request.rawPath().length() - "/status".length());
        assertThat(segment).matches("[A-Za-z0-9._~%-]+");
    }

    // ------------------------------------------------------------------ what the properties found, pinned

    @Example
    void aRetryAfterDateInTheYear9999EndsAWatchWithItsTimeoutNotAnOverflow() {
        SCRIPT.set(List.of(Reply.json(200, "{\"request_id\":\"job-1\",\"status\":\"IN_PROGRESS\"}")
                .header("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")));

        Outcome<List<JobUpdate>> watch = Harness.await(client.watch("job-1").collectList(), BOUND);

        assertThat(watch.error).isInstanceOfSatisfying(AsyncInvokeTimeoutException.class,
                timeout -> assertThat(timeout.lastStatus()).isEqualTo("IN_PROGRESS"));
    }

    @Example
    void aRateLimitResetBeyondAnyInstantIsIgnoredNotAFailedAnswer() {
        SCRIPT.set(List.of(Reply.json(200, "{\"request_id\":\"job-1\",\"status\":\"COMPLETED\"}")
                .header("ratelimit-remaining", "0").header("ratelimit-reset", "99999999999999999")));

        Outcome<JobStatus> status = Harness.await(client.status("job-1"), BOUND);

        assertThat(status.error).isNull();
        assertThat(status.value.getStatus().getValue()).isEqualTo("COMPLETED");
    }

    @Example
    void aRequestIdWithAnUnpairedSurrogateIsRefusedSinceItWouldReachAnotherId() {
        simulator.journal().clear();

        Outcome<JobStatus> status = Harness.await(simulatorClient.status("job\uD800"), BOUND);

        assertThat(status.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(simulator.journal().requests()).isEmpty();
    }

    // ------------------------------------------------------------------ running and checking calls

    private static Mono<?> run(Call call) {
        switch (call) {
            case SUBMIT:
                return client.submit(Harness.image("random"));
            case STATUS:
                return client.status("job-1");
            case GET:
                return client.get("job-1");
            case WATCH:
                return client.watch("job-1").collectList();
            case SUBMIT_AND_WATCH:
                return client.submitAndWatch(Harness.image("random")).collectList();
            default:
                return client.invoke(Harness.image("random"));
        }
    }

    private static void checkValue(Call call, Object value) {
        assertThat(value).as("value of %s", call).isNotNull();
        if (value instanceof Job) {
            assertThat(((Job) value).getRequestId()).isNotBlank();
            assertThat(((Job) value).getStatus()).isNotNull();
        } else if (value instanceof JobStatus) {
            assertThat(((JobStatus) value).getStatus()).isNotNull();
        } else {
            @SuppressWarnings("unchecked")
            List<JobUpdate> updates = (List<JobUpdate>) value;
            assertThat(updates).as("a watch that completes has emitted").isNotEmpty();
            assertThat(updates.get(updates.size() - 1).isTerminal()).as("a watch completes after a terminal update").isTrue();
            updates.forEach(update -> assertThat(update.requestId()).isNotBlank());
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<List<Reply>> scripts() {
        return reply().list().ofMinSize(1).ofMaxSize(6);
    }

    private Arbitrary<Reply> reply() {
        Arbitrary<Reply> answered = Combinators.combine(status(), anyHeaders(), body())
                .as((status, headers, body) -> {
                    Reply reply = Reply.of(status, body.contentType, body.bytes);
                    for (Map.Entry<String, String> header : headers) {
                        reply = reply.header(header.getKey(), header.getValue());
                    }
                    return reply;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, answered),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Reply.reset())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Reply.hang())));
    }

    private Arbitrary<Integer> status() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(200, 202)),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(200, 599)));
    }

    private Arbitrary<List<Map.Entry<String, String>>> anyHeaders() {
        Arbitrary<Map.Entry<String, String>> named = Combinators.combine(
                Arbitraries.of("retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "location",
                        "content-type", "x-request-id", "www-authenticate"), headerValue())
                .as(Map::entry);
        Arbitrary<Map.Entry<String, String>> random = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12).map(n -> "x-" + n),
                headerValue()).as(Map::entry);
        return Arbitraries.oneOf(named, random).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> rateLimitHeaders() {
        return Combinators.combine(Arbitraries.of("retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"),
                headerValue()).as(Map::entry).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> knownStatus() {
        return Arbitraries.of(KNOWN_STATUSES);
    }

    private Arbitrary<String> headerValue() {
        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        String farDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC));
        // trimmed: a header value cannot start or end with white space (the server refuses to send one)
        return Arbitraries.oneOf(
                Arbitraries.of("0", "1", "-1", "250", "0, 0;w=60", "1.5", "", " ", "abc", httpDate, farDate,
                        "9999999999", "99999999999999999", "999999999999999999", "18446744073709551616",
                        "31556889864403199", "2147483648"),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30)).map(String::trim);
    }

    /** A body and the content type it is sent with. */
    static final class Body {
        final String contentType;
        final byte[] bytes;

        Body(String contentType, byte[] bytes) {
            this.contentType = contentType;
            this.bytes = bytes;
        }

        @Override
        public String toString() {
            return contentType + " " + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private Arbitrary<Body> body() {
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "text/html", "text/plain", "application/octet-stream");
        Arbitrary<String> text = Arbitraries.oneOf(jobLike(), errorLike(), json(3), truncated(jobLike()),
                Arbitraries.of("", "null", "[]", "{}", "<html><body><h1>502 Bad Gateway</h1></body></html>"));
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(text.map(t -> t.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
        return Combinators.combine(contentType, bytes).as(Body::new);
    }

    private Arbitrary<String> truncated(Arbitrary<String> whole) {
        return whole.flatMap(s -> Arbitraries.integers().between(0, s.length()).map(n -> s.substring(0, n)));
    }

    /** Something shaped like a job or a status, each field maybe missing, mistyped or odd. */
    private Arbitrary<String> jobLike() {
        Arbitrary<String> requestId = Arbitraries.oneOf(Arbitraries.of("\"job-1\"", "\"\"", "null", "42", "[]", "{}",
                "\"../x\"", "\"a/b?c\""), jsonString());
        Arbitrary<String> status = Arbitraries.oneOf(Arbitraries.of(KNOWN_STATUSES).map(s -> "\"" + s + "\""),
                Arbitraries.of("\"CANCELLED\"", "\"\"", "\"completed\"", "null", "1", "true", "{}"), jsonString());
        Arbitrary<String> output = Arbitraries.oneOf(Arbitraries.of("null", "{}", "[]", "\"x\"",
                "{\"images\":[{\"url\":\"https://media.example/a.png\",\"width\":8,\"height\":8}]}",
                "{\"audio\":{\"url\":42}}"), json(2));
        Arbitrary<String> createdAt = Arbitraries.of("\"2026-01-22T19:19:19.112403432Z\"", "\"yesterday\"", "0", "null",
                "\"2026-13-45T99:99:99Z\"", "\"+999999999-12-31T23:59:59Z\"");
        Arbitrary<String> extra = Combinators.combine(jsonString(), json(2)).as((k, v) -> k + ":" + v);
        return Combinators.combine(requestId, status, output, createdAt, jsonString(), extra.list().ofMaxSize(2),
                        Arbitraries.integers().between(0, 127))
                .as((id, st, out, created, error, extras, mask) -> {
                    List<String> fields = new ArrayList<>();
                    if ((mask & 1) == 0) {
                        fields.add("\"request_id\":" + id);
                    }
                    if ((mask & 2) == 0) {
                        fields.add("\"status\":" + st);
                    }
                    if ((mask & 4) == 0) {
                        fields.add("\"model_id\":\"fal-ai/flux/schnell\"");
                    }
                    if ((mask & 8) != 0) {
                        fields.add("\"output\":" + out);
                    }
                    if ((mask & 16) != 0) {
                        fields.add("\"created_at\":" + created);
                    }
                    if ((mask & 32) != 0) {
                        fields.add("\"error\":" + error);
                    }
                    fields.addAll(extras);
                    return "{" + String.join(",", fields) + "}";
                });
    }

    private Arbitrary<String> errorLike() {
        return Combinators.combine(jsonString(), jsonString(), Arbitraries.of("\"e-1\"", "null", "7"))
                .as((id, message, requestId) -> "{\"id\":" + id + ",\"message\":" + message + ",\"request_id\":" + requestId + "}");
    }

    private Arbitrary<String> jsonString() {
        return Arbitraries.strings().ofMaxLength(20).map(RandomResponsesIT::quote);
    }

    /** Any JSON value, nested up to {@code depth}. */
    private Arbitrary<String> json(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.of("null", "true", "false", "0", "-0.0", "1e308",
                        "1e999", "-9223372036854775809", "123456789012345678901234567890"),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I")),
                jsonString());
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> array = json(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
        Arbitrary<String> object = Combinators.combine(jsonString(), json(depth - 1)).as((k, v) -> k + ":" + v)
                .list().ofMaxSize(3).map(fields -> "{" + String.join(",", fields) + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Provide
    Arbitrary<String> requestIds() {
        Arbitrary<String> pieces = Arbitraries.of("..", ".", "/", "?", "#", "%", "%2F", "%2e", "&", "=", ";", "\\",
                "ü", "ジョブ", "😀", "\uD800", " ", "\t", "\u0000", "\u007f", "a", "job-1", "+", ":", "@");
        Arbitrary<String> composed = pieces.list().ofMinSize(1).ofMaxSize(8).map(list -> String.join("", list));
        Arbitrary<String> longOnes = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(250).ofMaxLength(260);
        return Arbitraries.oneOf(composed, Arbitraries.strings().ofMinLength(1).ofMaxLength(40), longOnes);
    }
}
