package io.asyncinvoke.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A dispatcher of a test's own: the simulator answers what it says, byte for byte, and journals every request. */
class DispatcherTest {

    private static HttpResponse<String> get(Simulator sim, String path, Duration timeout) throws Exception {
        return TestHttp.SHARED.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(timeout).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(Simulator sim, String path) throws Exception {
        return get(sim, path, Duration.ofSeconds(10));
    }

    @Test
    void aScriptAnswersInTurnThenOtherwiseAndTheJournalRecordsEveryRequest() throws Exception {
        Script script = Script.of(Answer.json(503, "{\"id\":\"busy\"}"), Answer.of(201, "text/plain", "two"))
                .otherwise(Answer.json(200, "{}"));
        try (Simulator sim = Simulator.builder().dispatcher(script).start()) {
            HttpResponse<String> first = get(sim, "/v1/async-invoke/job-1");
            HttpResponse<String> second = get(sim, "/anything?at=all");
            script.then(Answer.status(204));
            HttpResponse<String> third = get(sim, "/v1/async-invoke/job-1/status");
            HttpResponse<String> fourth = get(sim, "/media/x/0.png");

            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(first.body()).isEqualTo("{\"id\":\"busy\"}");
            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(second.body()).isEqualTo("two");
            assertThat(third.statusCode()).isEqualTo(204);
            assertThat(fourth.statusCode()).isEqualTo(200);
            assertThat(fourth.headers().firstValue("ratelimit-limit")).as("none of the service's headers").isEmpty();
            assertThat(script.remaining()).isZero();
            assertThat(sim.journal().requests()).extracting(RecordedRequest::rawPath, RecordedRequest::endpoint,
                    RecordedRequest::status).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("/v1/async-invoke/job-1", Endpoint.GET, 503),
                            org.assertj.core.groups.Tuple.tuple("/anything?at=all", Endpoint.OTHER, 201),
                            org.assertj.core.groups.Tuple.tuple("/v1/async-invoke/job-1/status", Endpoint.STATUS, 204),
                            org.assertj.core.groups.Tuple.tuple("/media/x/0.png", Endpoint.OTHER, 200));
            assertThat(sim.jobCount()).as("the service is not asked").isZero();
        }
    }

    @Test
    void anUnscriptedRequestIsA500SayingSo() throws Exception {
        try (Simulator sim = Simulator.builder().dispatcher(Script.of()).start()) {
            HttpResponse<String> r = get(sim, "/v1/async-invoke/x");

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("unscripted");
        }
    }

    @Test
    void headersAreSentInOrderAsOftenAsAddedAndTheRequestIsSeenWhole() throws Exception {
        try (Simulator sim = Simulator.builder()
                .dispatcher(request -> Answer.json(200, "{\"echo\":\"" + request.header("x-probe") + "\"}")
                        .header("Set-Cookie", "a=1").header("Set-Cookie", "b=2").header("Retry-After", 3))
                .start()) {
            HttpResponse<String> r = TestHttp.SHARED.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/async-invoke"))
                    .header("X-Probe", "p-1").POST(HttpRequest.BodyPublishers.ofString("{\"model_id\":\"m\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.body()).isEqualTo("{\"echo\":\"p-1\"}");
            assertThat(r.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
            assertThat(r.headers().firstValue("retry-after")).hasValue("3");
            assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length()));
            RecordedRequest rec = sim.journal().last();
            assertThat(rec.method()).isEqualTo("POST");
            assertThat(rec.endpoint()).isEqualTo(Endpoint.SUBMIT);
            assertThat(rec.body()).isEqualTo("{\"model_id\":\"m\"}");
            assertThat(rec.header("x-probe")).isEqualTo("p-1");
        }
    }

    @Test
    void aHungAnswerNeverComesAndAResetOneEndsTheConnection() throws Exception {
        try (Simulator sim = Simulator.builder()
                .dispatcher(request -> request.rawPath().startsWith("/hang") ? Answer.hang() : Answer.reset())
                .start()) {
            assertThatThrownBy(() -> get(sim, "/hang", Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
            String raw = TestHttp.raw(sim.port(), "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(raw).isEmpty();
            assertThat(sim.journal().requests()).extracting(RecordedRequest::status).containsExactly(0, 0);
        }
    }

    @Test
    void aDelayedAnswerComesLateAndATrickledOneInChunks() throws Exception {
        String body = "x".repeat(100);
        try (Simulator sim = Simulator.builder()
                .dispatcher(Script.of(Answer.of(200, "text/plain", body).delayed(Duration.ofMillis(300)),
                        Answer.of(200, "text/plain", body).trickled(Duration.ofMillis(20), 10)))
                .start()) {
            long t0 = System.nanoTime();
            HttpResponse<String> delayed = get(sim, "/a");
            long delayedMillis = (System.nanoTime() - t0) / 1_000_000;
            t0 = System.nanoTime();
            HttpResponse<String> trickled = get(sim, "/b");
            long trickledMillis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(delayed.body()).isEqualTo(body);
            assertThat(delayedMillis).isGreaterThanOrEqualTo(300);
            assertThat(trickled.body()).isEqualTo(body);
            assertThat(trickledMillis).as("10 chunks, 20 ms before each").isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aResetMidBodySendsTheHeadersAndHalfTheBody() throws Exception {
        String body = "{\"request_id\":\"job-1\",\"status\":\"QUEUED\",\"model_id\":\"fal-ai/flux/schnell\"}";
        try (Simulator sim = Simulator.builder().dispatcher(request -> Answer.json(200, body).resetMidBody()).start()) {
            String raw = TestHttp.raw(sim.port(), "GET /v1/async-invoke/job-1 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(raw).startsWith("HTTP/1.1 200").contains("content-length: " + body.length());
            assertThat(raw.substring(raw.indexOf("\r\n\r\n") + 4)).isEqualTo(body.substring(0, body.length() / 2));
        }
    }

    @Test
    void anEndlessAnswerKeepsSendingUntilTheClientLeaves() throws Exception {
        byte[] chunk = new byte[1024];
        try (Simulator sim = Simulator.builder()
                .dispatcher(request -> Answer.endless(200, "image/png", chunk, Duration.ofMillis(1)))
                .start();
             Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.getOutputStream().write("GET /x.png HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            long read = 0;
            byte[] buffer = new byte[8192];
            while (read < 64 * 1024) {
                int n = in.read(buffer);
                assertThat(n).as("still sending").isPositive();
                read += n;
            }
            socket.close();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sim.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(sim.openConnections()).as("closed once the client left").isZero();
            assertThat(sim.journal().last().status()).isEqualTo(200);
        }
    }

    @Test
    void aDispatcherThatThrowsAnswers500() throws Exception {
        try (Simulator sim = Simulator.builder().dispatcher(request -> {
            throw new IllegalStateException("broken script");
        }).start()) {
            HttpResponse<String> r = get(sim, "/v1/async-invoke/x");

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("broken script");
        }
    }

    @Test
    void answersAreImmutableValues() {
        Answer base = Answer.json(200, "{}");
        Answer more = base.header("X-A", "1");

        assertThat(base.headers()).containsExactly(Map.entry("content-type", "application/json"));
        assertThat(more.headers()).containsExactly(Map.entry("content-type", "application/json"), Map.entry("X-A", "1"));
        assertThat(more.header("x-a")).isEqualTo("1");
        assertThat(more.withBody(new byte[] {'x'}).body()).containsExactly('x');
        assertThat(base.body()).containsExactly('{', '}');
        assertThat(Answer.hang().status()).isZero();
        assertThat(Answer.reset().toString()).isEqualTo("reset");
        assertThat(more.toString()).contains("200").contains("X-A=1").contains("{}");
        assertThatThrownBy(() -> Answer.status(42)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.trickled(Duration.ofMillis(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.delayed(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Answer.endless(200, "x/y", new byte[1], Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Answer.hang().trickled(Duration.ofMillis(1), 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Answer.reset().resetMidBody()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSimulatorsOwnDispatcherStillAnswersWithoutOne() throws IOException {
        try (Simulator sim = Simulator.builder().start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(TestHttp.IMAGE_MODEL, "{\"prompt\":\"p\"}");

            assertThat(http.state(id)).isIn("QUEUED", "IN_PROGRESS", "COMPLETED");
            assertThat(http.get("/nowhere").statusCode()).isEqualTo(404);
        }
    }
}
