package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.SPEECH_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static io.asyncinvoke.simulator.TestHttp.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void startsFastOnLoopbackAndFreesItsPortsOnClose() throws IOException {
        Simulator.builder().start().close(); // warm the classes up
        long t0 = System.nanoTime();
        Simulator sim = Simulator.builder().start();
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        int port = sim.port();
        int mediaPort = sim.mediaPort();
        assertThat(startMillis).isLessThan(1000);
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(sim.mediaBaseUrl()).isEqualTo("http://localhost:" + mediaPort);
        assertThat(sim.apiKey()).isEqualTo(Simulator.DEFAULT_API_KEY).isEqualTo("sk-do-simulator");
        assertThat(new TestHttp(sim).submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(202);

        sim.close();
        sim.close(); // idempotent
        assertThat(sim.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        for (int p : new int[] {port, mediaPort}) {
            try (ServerSocket again = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(again.getLocalPort()).isEqualTo(p);
            }
        }
    }

    @Test
    void twoSimulatorsGetDistinctFreePorts() {
        try (Simulator a = Simulator.builder().start(); Simulator b = Simulator.builder().start()) {
            assertThat(a.port()).isNotEqualTo(b.port()).isPositive();
            assertThat(a.mediaPort()).isNotIn(a.port(), b.port(), b.mediaPort());
        }
    }

    @Test
    void submitAnswers202ByDefaultWithAQueuedJob() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofSeconds(5)).start()) {
            HttpResponse<String> r = new TestHttp(sim).submit(IMAGE_MODEL, "{\"prompt\":\"a cat\"}");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode job = json(r);
            assertThat(job.get("request_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(job.get("status").asText()).isEqualTo("QUEUED");
            assertThat(job.get("model_id").asText()).isEqualTo(IMAGE_MODEL);
            assertThat(job.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
            for (String nullField : new String[] {"started_at", "completed_at", "output", "error"}) {
                assertThat(job.has(nullField)).as(nullField).isTrue();
                assertThat(job.get(nullField).isNull()).as(nullField).isTrue();
            }
            assertThat(Instant.parse(job.get("created_at").asText()))
                    .isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));
        }
    }

    @Test
    void submitCanAnswer200() {
        try (Simulator sim = Simulator.builder().submitStatus(200).start()) {
            HttpResponse<String> r = new TestHttp(sim).submit(IMAGE_MODEL, "{}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("status").asText()).isEqualTo("QUEUED");
        }
        assertThatThrownBy(() -> Simulator.builder().submitStatus(201)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobMovesQueuedInProgressCompletedOnTime() {
        try (Simulator sim = Simulator.builder()
                .queuedFor(Duration.ofMillis(120)).runningFor(Duration.ofMillis(250)).start()) {
            TestHttp http = new TestHttp(sim);
            long t0 = System.nanoTime();
            String id = http.submitId(IMAGE_MODEL, "{}");
            Map<String, Long> firstSeen = new LinkedHashMap<>();
            List<String> sequence = new ArrayList<>();
            while (!firstSeen.containsKey("COMPLETED") && System.nanoTime() - t0 < 3_000_000_000L) {
                String state = http.state(id);
                long at = (System.nanoTime() - t0) / 1_000_000;
                if (firstSeen.putIfAbsent(state, at) == null) {
                    sequence.add(state);
                }
                sleep(5);
            }
            assertThat(sequence).containsExactly("QUEUED", "IN_PROGRESS", "COMPLETED");
            assertThat(firstSeen.get("IN_PROGRESS")).isGreaterThanOrEqualTo(120).isLessThan(800);
            assertThat(firstSeen.get("COMPLETED")).isGreaterThanOrEqualTo(370).isLessThan(1500);
        }
    }

    @Test
    void timestampsFollowTheState() {
        try (Simulator sim = Simulator.builder()
                .queuedFor(Duration.ofMillis(100)).runningFor(Duration.ofMillis(300)).start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{}");
            http.awaitState(id, "IN_PROGRESS", Duration.ofSeconds(2));
            JsonNode running = json(http.job(id));
            assertThat(running.get("started_at").isTextual()).isTrue();
            assertThat(running.get("completed_at").isNull()).isTrue();
            assertThat(running.get("output").isNull()).isTrue();
            http.awaitState(id, "COMPLETED", Duration.ofSeconds(2));
            JsonNode done = json(http.job(id));
            Instant created = Instant.parse(done.get("created_at").asText());
            Instant started = Instant.parse(done.get("started_at").asText());
            Instant completed = Instant.parse(done.get("completed_at").asText());
            assertThat(Duration.between(created, started)).isEqualTo(Duration.ofMillis(100));
            assertThat(Duration.between(started, completed)).isEqualTo(Duration.ofMillis(300));
            assertThat(done.get("started_at").asText()).isEqualTo(running.get("started_at").asText());
            assertThat(done.get("output").isObject()).isTrue();
            assertThat(done.get("error").isNull()).isTrue();
        }
    }

    @Test
    void durationsCanBeSetPerModel() {
        try (Simulator sim = Simulator.builder()
                .queuedFor(Duration.ofSeconds(10))
                .queuedFor(SPEECH_MODEL, Duration.ZERO)
                .runningFor(SPEECH_MODEL, Duration.ofMillis(30))
                .start()) {
            TestHttp http = new TestHttp(sim);
            String slow = http.submitId(IMAGE_MODEL, "{}");
            String fast = http.submitId(SPEECH_MODEL, "{\"text\":\"hi\"}");
            http.awaitState(fast, "COMPLETED", Duration.ofSeconds(2));
            assertThat(http.state(slow)).isEqualTo("QUEUED");
        }
    }

    @Test
    void durationSuppliersAreDrawnOncePerJob() {
        AtomicInteger queuedDraws = new AtomicInteger();
        AtomicInteger runningDraws = new AtomicInteger();
        try (Simulator sim = Simulator.builder()
                .queuedFor(() -> Duration.ofMillis(queuedDraws.incrementAndGet() == 1 ? 0 : 10_000))
                .runningFor(() -> {
                    runningDraws.incrementAndGet();
                    return Duration.ofMillis(20);
                })
                .start()) {
            TestHttp http = new TestHttp(sim);
            String first = http.submitId(IMAGE_MODEL, "{}");
            String second = http.submitId(IMAGE_MODEL, "{}");
            http.awaitState(first, "COMPLETED", Duration.ofSeconds(2));
            assertThat(http.state(second)).isEqualTo("QUEUED");
            assertThat(queuedDraws).hasValue(2);
            assertThat(runningDraws).hasValue(2);
        }
    }

    @Test
    void logNormalDurationsDriveJobs() {
        try (Simulator sim = Simulator.builder()
                .queuedFor(Durations.logNormal(Duration.ofMillis(20), 0.3, 1))
                .runningFor(Durations.uniform(Duration.ofMillis(10), Duration.ofMillis(30), 2))
                .start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{}");
            http.awaitState(id, "COMPLETED", Duration.ofSeconds(3));
            Job job = sim.job(id).orElseThrow();
            assertThat(Duration.between(job.getCreatedAt(), job.getCompletedAt()))
                    .isBetween(Duration.ofMillis(10), Duration.ofMillis(2030));
        }
    }

    @Test
    void jobSnapshotUsesTheGeneratedModel() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ZERO).runningFor(Duration.ZERO).start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{\"prompt\":\"p\"}");
            Job job = sim.job(id).orElseThrow();
            assertThat(job.getRequestId()).isEqualTo(id);
            assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
            assertThat(job.getOutput()).containsKeys("images", "seed", "has_nsfw_concepts", "prompt");
            assertThat(sim.jobCount()).isEqualTo(1);
            assertThat(sim.job("missing")).isEmpty();
        }
    }

    @Test
    void extraFieldsAreAddedOnlyWhenAsked() {
        try (Simulator plain = Simulator.builder().start();
                Simulator extra = Simulator.builder().extraFields(true).start()) {
            JsonNode p = json(new TestHttp(plain).submit(IMAGE_MODEL, "{}"));
            assertThat(p.has("priority")).isFalse();
            TestHttp http = new TestHttp(extra);
            JsonNode e = json(http.submit(IMAGE_MODEL, "{}"));
            assertThat(e.get("priority").asInt()).isEqualTo(1);
            assertThat(e.get("region").asText()).isEqualTo("nyc");
            JsonNode status = json(http.status(e.get("request_id").asText()));
            assertThat(status.get("region").asText()).isEqualTo("nyc");
        }
    }

    @Test
    void aSeedMakesRequestIdsReproducible() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (List<String> ids : List.of(first, second)) {
            try (Simulator sim = Simulator.builder().seed(42).start()) {
                TestHttp http = new TestHttp(sim);
                ids.add(http.submitId(IMAGE_MODEL, "{}"));
                ids.add(http.submitId(IMAGE_MODEL, "{}"));
            }
        }
        assertThat(first).isEqualTo(second).doesNotHaveDuplicates();
    }

    @Test
    void closeReleasesAHungResponse() throws Exception {
        Simulator sim = Simulator.builder().start();
        sim.inject(Fault.hang().on(Endpoint.SUBMIT));
        var pending = TestHttp.newClient().sendAsync(
                new TestHttp(sim).api("/v1/async-invoke")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.currentTimeMillis() + 2000;
        while (sim.journal().count(Endpoint.SUBMIT) == 0 && System.currentTimeMillis() < deadline) {
            sleep(5);
        }
        assertThat(pending).isNotDone();
        long t0 = System.nanoTime();
        sim.close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThatThrownBy(() -> pending.get(3, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class);
    }
}
