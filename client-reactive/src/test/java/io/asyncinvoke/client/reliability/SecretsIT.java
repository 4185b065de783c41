package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.KEY;
import static io.asyncinvoke.client.reliability.Harness.assertNoKey;
import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.awaitWatch;
import static io.asyncinvoke.client.reliability.Harness.image;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.asyncinvoke.client.ApiException;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import io.netty.handler.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.logging.AdvancedByteBufFormat;

/**
 * The API key stays a secret: it never appears in logs (at TRACE, with wire logging asked for),
 * in exception messages or {@code toString()}, even when a server echoes it back, and it is never
 * sent to another host, since redirects are not followed.
 */
@ExtendWith(RuntimeGuards.class)
class SecretsIT {

    /** Every logger that could see a request: ours, Reactor, Reactor Netty (wiretap included) and Netty. */
    private static final String[] ALL_LOGGERS = {"io.asyncinvoke", "reactor", "io.netty"};

    /**
     * Whether a text holds the key or any 12-character piece of it: a hex dump prints 16 bytes per
     * line, so a key split over lines still leaves such a piece whole.
     */
    static boolean holdsKeyPiece(String text) {
        for (int i = 0; i + 12 <= KEY.length(); i++) {
            if (text.contains(KEY.substring(i, i + 12))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> withKey(List<String> texts) {
        return texts.stream().filter(SecretsIT::holdsKeyPiece).collect(Collectors.toList());
    }

    @Test
    void wireLoggingWouldShowTheKeySoTheCaptureCanSeeIt() {
        try (Simulator sim = Harness.simulator().start();
             LogCapture logs = LogCapture.attach(Level.TRACE, true, ALL_LOGGERS)) {
            HttpClient raw = HttpClient.create().wiretap(true).headers(h -> h.set("Authorization", "Bearer " + KEY));

            raw.get().uri(sim.baseUrl() + "/v1/async-invoke/x/status").responseSingle((res, body) -> body.asString())
                    .block(Duration.ofSeconds(10));

            assertThat(withKey(logs.texts())).as("a raw client with wiretap(true) prints the header").isNotEmpty();
        }
    }

    @Test
    void theKeyIsInNoLogLineAtTraceEvenWhenTheApplicationAsksForWireLogging() {
        try (Simulator sim = Harness.simulator().start();
             LogCapture logs = LogCapture.attach(Level.TRACE, true, ALL_LOGGERS)) {
            List<HttpClient> wiretapped = List.of(HttpClient.create().wiretap(true),
                    HttpClient.create().wiretap("app.wire", LogLevel.INFO, AdvancedByteBufFormat.TEXTUAL));
            for (HttpClient http : wiretapped) {
                AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).httpClient(http).buildAsyncClient();
                sim.inject(Fault.status(503).on(Endpoint.GET).times(1));

                assertThat(awaitWatch(client.submitAndWatch(image("logged"))).error).isNull();
                assertThat(await(client.status("no-such-job")).error).isInstanceOf(AsyncInvokeException.class);
                sim.inject(Fault.status(503).on(Endpoint.SUBMIT).times(1));
                assertThat(await(client.submit(image("unknown"))).error).isInstanceOf(AsyncInvokeException.class);
                sim.revokeKey();
                assertThat(await(client.status("any")).error).isInstanceOf(AsyncInvokeException.class);
                sim.setApiKey(KEY);
            }

            List<String> texts = logs.texts();
            assertThat(texts).as("the capture saw the client's DEBUG lines")
                    .anyMatch(t -> t.contains("io.asyncinvoke.client") && t.contains("-> 202"));
            assertThat(texts).as("no wire logging, although asked for")
                    .noneMatch(t -> t.contains("reactor.netty.http.client.HttpClient ") || t.contains("app.wire"));
            assertThat(withKey(texts)).isEmpty();
        }
    }

    @Test
    void theKeyIsInNoToString() {
        AsyncInvokeClientBuilder builder = Harness.client("http://127.0.0.1:1");
        assertThat(builder.toString()).doesNotContain(KEY);
        assertThat(builder.buildAsyncClient().toString()).doesNotContain(KEY);
        assertThat(builder.buildClient().toString()).doesNotContain(KEY);
    }

    /** Where a hostile or buggy server puts the Authorization value it received. */
    @ParameterizedTest(name = "echoed in {0}")
    @ValueSource(strings = {"error message", "error id", "error request_id", "html page", "bad json", "header",
            "failed job", "status value"})
    void aServerEchoingTheKeyBackDoesNotGetItIntoAnyErrorOrUpdate(String where) {
        try (Simulator server = Harness.scripted(request -> echo(where, request.header("authorization")))) {
            AsyncInvokeAsyncClient client = Harness.client(server.baseUrl())
                    .retryOptions(Harness.RETRY.withMaxAttempts(2)).buildAsyncClient();

            List<Throwable> errors = new java.util.ArrayList<>();
            errors.add(await(client.status("job-1")).error);
            errors.add(await(client.get("job-1")).error);
            errors.add(await(client.submit(image("echo"))).error);
            errors.add(await(client.invoke(image("echo"), Harness.POLLING.withTimeout(Duration.ofSeconds(2)))).error);
            Harness.WatchResult watch = awaitWatch(client.watch("job-1", Harness.POLLING.withTimeout(Duration.ofSeconds(2))));
            errors.add(watch.error);

            assertThat(server.journal().requests()).allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY));
            for (Throwable error : errors) {
                if (error != null) {
                    assertThat(error).isInstanceOf(AsyncInvokeException.class);
                    assertNoKey(error);
                    if (error instanceof ApiException) {
                        ApiException api = (ApiException) error;
                        assertThat(String.valueOf(api.errorMessage()) + api.errorId() + api.errorRequestId()
                                + api.bodySnippet()).doesNotContain(KEY);
                    }
                    if (error instanceof JobFailedException) {
                        assertThat(String.valueOf(((JobFailedException) error).errorMessage())).doesNotContain(KEY);
                    }
                }
            }
            watch.updates.forEach(update -> assertThat(update.toString() + update.status()).doesNotContain(KEY));
        }
    }

    private static Answer echo(String where, String authorization) {
        String key = authorization == null ? "none" : authorization.substring("Bearer ".length());
        String quoted = "\"bad key " + key + "\"";
        switch (where) {
            case "error message":
                return Answer.json(401, "{\"id\":\"unauthorized\",\"message\":" + quoted + ",\"request_id\":\"e-1\"}");
            case "error id":
                return Answer.json(400, "{\"id\":" + quoted + ",\"message\":\"no\"}");
            case "error request_id":
                return Answer.json(404, "{\"id\":\"not_found\",\"message\":\"no\",\"request_id\":" + quoted + "}");
            case "html page":
                return Answer.of(502, "text/html", ("<html><body>upstream rejected " + authorization
                        + "</body></html>").getBytes(StandardCharsets.UTF_8));
            case "bad json":
                return Answer.json(200, "{\"request_id\": " + key + ", \"status\": " + key + "}");
            case "header":
                return Answer.json(503, "{\"id\":\"unavailable\",\"message\":\"later\"}").header("retry-after", key)
                        .header("x-echo", authorization);
            case "failed job":
                return Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"FAILED\",\"model_id\":\"m\","
                        + "\"error\":" + quoted + "}");
            default:
                return Answer.json(200, "{\"request_id\":\"job-1\",\"status\":" + quoted + ",\"model_id\":\"m\"}");
        }
    }

    /** How a hostile server writes the key it received, inside a JSON string or an HTML page. */
    enum Encoding {
        JSON_ESCAPED {
            @Override
            String encode(String key) {
                return key.chars().mapToObj(c -> String.format("\\u%04x", c)).collect(Collectors.joining());
            }
        },
        PERCENT {
            @Override
            String encode(String key) {
                return key.chars().mapToObj(c -> String.format("%%%02X", c)).collect(Collectors.joining());
            }
        },
        BASE64_BEARER {
            @Override
            String encode(String key) {
                return java.util.Base64.getEncoder().encodeToString(("Bearer " + key).getBytes(StandardCharsets.UTF_8));
            }
        },
        HTML_ENTITIES {
            @Override
            String encode(String key) {
                return key.chars().mapToObj(c -> "&#" + c + ";").collect(Collectors.joining());
            }
        };

        abstract String encode(String key);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> echoes() {
        return java.util.stream.Stream.of("error message", "error id", "error request_id", "html page", "failed job",
                        "status value", "output url")
                .flatMap(where -> java.util.Arrays.stream(Encoding.values())
                        .map(encoding -> org.junit.jupiter.params.provider.Arguments.of(where, encoding)));
    }

    /** Neither the key nor what the server wrote for it, in any text. */
    private static void assertClean(String text, Encoding encoding) {
        assertThat(text).doesNotContain(KEY);
        String written = encoding.encode(KEY);
        // base64 of "Bearer <key>": its middle is the key's; any 12 characters of it would do
        assertThat(text).doesNotContain(written.substring(written.length() / 3, written.length() / 3 + 12));
    }

    @ParameterizedTest(name = "echoed {1} in {0}")
    @org.junit.jupiter.params.provider.MethodSource("echoes")
    void aKeyEchoedInAnyEncodingReachesNoMessageFieldOrToString(String where, Encoding encoding) {
        String echoed = encoding.encode(KEY);
        try (Simulator server = Harness.scripted(request -> encodedEcho(where, echoed))) {
            AsyncInvokeAsyncClient client = Harness.client(server.baseUrl())
                    .retryOptions(Harness.RETRY.withMaxAttempts(2)).buildAsyncClient();
            List<String> texts = new java.util.ArrayList<>();
            List<Throwable> errors = new java.util.ArrayList<>();
            Harness.Outcome<io.asyncinvoke.model.Job> got = await(client.get("job-1"));
            errors.add(got.error);
            errors.add(await(client.status("job-1")).error);
            errors.add(await(client.invoke(image("echo"), Harness.POLLING.withTimeout(Duration.ofSeconds(1)))).error);
            Harness.WatchResult watch = awaitWatch(client.watch("job-1", Harness.POLLING.withTimeout(Duration.ofSeconds(1))));
            errors.add(watch.error);
            if (got.error == null) {
                io.asyncinvoke.model.Job job = got.value();
                texts.add(job.toString());
                texts.add(io.asyncinvoke.client.JobOutput.of(job).toString());
                io.asyncinvoke.client.JobOutput.of(job).files().forEach(f -> texts.add(f.toString() + f.url()));
                texts.add(io.asyncinvoke.client.AsyncInvokeJson.newObjectMapper().valueToTree(job).toString());
            }
            watch.updates.forEach(update -> texts.add(update.toString() + update.status()
                    + update.job().map(Object::toString).orElse("")));
            for (Throwable error : errors) {
                for (Throwable t = error; t != null; t = t.getCause()) {
                    texts.add(t.toString());
                    if (t instanceof ApiException) {
                        ApiException api = (ApiException) t;
                        texts.add(api.errorMessage().orElse("") + api.errorId().orElse("") + api.errorRequestId().orElse("") + api.bodySnippet().orElse(""));
                    }
                    if (t instanceof JobFailedException) {
                        texts.add(((JobFailedException) t).errorMessage().orElse("") + ((JobFailedException) t).job());
                    }
                }
            }
            assertThat(texts).isNotEmpty().allSatisfy(text -> assertClean(text, encoding));
        }
    }

    private static Answer encodedEcho(String where, String echoed) {
        String quoted = "\"bad key " + echoed + "\"";
        switch (where) {
            case "error message":
                return Answer.json(401, "{\"id\":\"unauthorized\",\"message\":" + quoted + ",\"request_id\":\"e-1\"}");
            case "error id":
                return Answer.json(400, "{\"id\":" + quoted + ",\"message\":\"no\"}");
            case "error request_id":
                return Answer.json(404, "{\"id\":\"not_found\",\"message\":\"no\",\"request_id\":" + quoted + "}");
            case "html page":
                return Answer.of(502, "text/html", ("<html><body>upstream rejected " + echoed
                        + "</body></html>").getBytes(StandardCharsets.UTF_8));
            case "failed job":
                return Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"FAILED\",\"model_id\":\"m\","
                        + "\"error\":" + quoted + "}");
            case "output url":
                return Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"COMPLETED\",\"model_id\":" + quoted
                        + ",\"output\":{\"images\":[{\"url\":\"https://media.example/" + echoed + ".png?sig=" + echoed
                        + "\",\"file_name\":" + quoted + "}]}}");
            default:
                return Answer.json(200, "{\"request_id\":\"job-1\",\"status\":" + quoted + ",\"model_id\":\"m\"}");
        }
    }

    @ParameterizedTest(name = "echoed {0}")
    @org.junit.jupiter.params.provider.EnumSource(Encoding.class)
    void aMediaHostEchoingTheKeyInAnErrorBodyGetsItIntoNoDownloadError(Encoding encoding,
                                                                       @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String echoed = encoding.encode(KEY) + " raw " + KEY;
        try (Simulator media = Harness.scripted(request -> Answer.of(403, "text/plain",
                ("denied " + echoed).getBytes(StandardCharsets.UTF_8)))) {
            AsyncInvokeAsyncClient client = Harness.client("http://127.0.0.1:1").buildAsyncClient();

            io.asyncinvoke.client.DownloadException error = await(client.download(
                    io.asyncinvoke.client.MediaFile.of(media.baseUrl() + "/f.png"), dir))
                    .error(io.asyncinvoke.client.DownloadException.class);

            assertClean(error.getMessage(), encoding);
            assertClean(String.valueOf(error.bodySnippet()), encoding);
            assertNoKey(error);
            assertThat(media.journal().requests()).allSatisfy(r -> assertThat(r.header("authorization")).isNull());
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aRedirectToAnotherHostIsNotFollowedSoTheKeyNeverGoesThere(int status) {
        try (Simulator elsewhere = Harness.scripted(request -> Answer.json(200, "{}"));
             Simulator api = Harness.scripted(request -> Answer.of(status, "text/html", new byte[0])
                     .header("location", "http://localhost:" + elsewhere.port() + request.rawPath()))) {
            AsyncInvokeAsyncClient client = Harness.client(api.baseUrl()).buildAsyncClient();

            ApiException read = await(client.status("job-1")).error(ApiException.class);
            Throwable submit = await(client.submit(image("moved"))).error;
            Harness.WatchResult watch = awaitWatch(client.watch("job-1"));

            assertThat(read.statusCode()).isEqualTo(status);
            assertThat(submit).isInstanceOf(AsyncInvokeException.class);
            assertThat(watch.error).isInstanceOf(ApiException.class);
            assertThat(api.journal().requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY));
            assertThat(elsewhere.journal().requests()).as("requests that reached the other host").isEmpty();
        }
    }

    @Test
    void theKeyGoesOnlyToTheConfiguredEndpointEvenOnASharedHttpClientWithABaseUrl() {
        try (Simulator elsewhere = Harness.scripted(request -> Answer.json(200, "{}"));
             Simulator sim = Harness.simulator().start()) {
            HttpClient shared = HttpClient.create().baseUrl(elsewhere.baseUrl())
                    .headers(h -> h.set("x-app", "shared"));
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).httpClient(shared).buildAsyncClient();

            assertThat(awaitWatch(client.submitAndWatch(image("where"))).error).isNull();
            assertThat(shared.get().uri("/ping").responseSingle((res, body) -> Mono.just(res.status().code()))
                    .block(Duration.ofSeconds(10))).isEqualTo(200);

            assertThat(sim.journal().requests()).allSatisfy(r -> assertThat(r.authorizationValid()).isTrue());
            assertThat(elsewhere.journal().requests()).hasSize(1);
            assertThat(elsewhere.journal().requests().get(0).header("authorization")).as("the shared client stays keyless").isNull();
        }
    }
}
