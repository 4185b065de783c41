package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.SPEECH_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailuresTest {

    private Simulator sim;
    private TestHttp http;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(10)).runningFor(Duration.ofMillis(20)).start();
        http = new TestHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private JsonNode finalJob(String id, String state) {
        http.awaitState(id, state, Duration.ofSeconds(3));
        return json(http.job(id));
    }

    @Test
    void theNextNJobsFailWithTheGivenMessage() {
        sim.failNextJobs(2, "Model invocation failed: out of capacity");
        String a = http.submitId(IMAGE_MODEL, "{}");
        String b = http.submitId(IMAGE_MODEL, "{}");
        String c = http.submitId(IMAGE_MODEL, "{}");
        for (String id : new String[] {a, b}) {
            JsonNode job = finalJob(id, "FAILED");
            assertThat(job.get("error").asText()).isEqualTo("Model invocation failed: out of capacity");
            assertThat(job.get("output").isNull()).isTrue();
            assertThat(job.get("started_at").isTextual()).isTrue();
            assertThat(job.get("completed_at").isTextual()).isTrue();
        }
        assertThat(finalJob(c, "COMPLETED").get("error").isNull()).isTrue();
    }

    @Test
    void aFailingJobGoesThroughInProgressFirst() {
        try (Simulator slow = Simulator.builder().queuedFor(Duration.ZERO).runningFor(Duration.ofSeconds(10)).start()) {
            slow.failNextJobs(1, "boom");
            TestHttp h = new TestHttp(slow);
            String id = h.submitId(IMAGE_MODEL, "{}");
            assertThat(h.state(id)).isEqualTo("IN_PROGRESS");
            assertThat(json(h.job(id)).get("error").isNull()).isTrue();
        }
    }

    @Test
    void jobsMatchingAPredicateFail() {
        sim.failJobsWhere(r -> r.getTags() != null && r.getTags().stream().anyMatch(t -> "fail".equals(t.getKey())),
                "tagged to fail");
        sim.failJobsWhere(r -> r.getModelId().equals(SPEECH_MODEL), "voice unavailable");
        String tagged = json(http.submit("{\"model_id\":\"" + IMAGE_MODEL + "\",\"input\":{},"
                + "\"tags\":[{\"key\":\"fail\",\"value\":\"yes\"}]}")).get("request_id").asText();
        String speech = http.submitId(SPEECH_MODEL, "{\"text\":\"hi\"}");
        String fine = http.submitId(IMAGE_MODEL, "{}");
        assertThat(finalJob(tagged, "FAILED").get("error").asText()).isEqualTo("tagged to fail");
        assertThat(finalJob(speech, "FAILED").get("error").asText()).isEqualTo("voice unavailable");
        finalJob(fine, "COMPLETED");
    }

    @Test
    void predicatesSeeTheInput() {
        sim.failJobsWhere(r -> "forbidden".equals(r.getInput().getPrompt()), "prompt was rejected by the safety checker");
        String bad = http.submitId(IMAGE_MODEL, "{\"prompt\":\"forbidden\"}");
        assertThat(finalJob(bad, "FAILED").get("error").asText()).contains("safety checker");
    }

    @Test
    void clearFailuresStopsTheScripts() {
        sim.failNextJobs(5, "x");
        sim.failJobsWhere(r -> true, "y");
        sim.clearFailures();
        finalJob(http.submitId(IMAGE_MODEL, "{}"), "COMPLETED");
    }

    @Test
    void anUnknownStatusIsServedVerbatim() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertThat(sim.overrideStatus(id, "CANCELLED")).isTrue();
        assertThat(http.state(id)).isEqualTo("CANCELLED");
        JsonNode job = json(http.job(id));
        assertThat(job.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(job.get("output").isNull()).isTrue();
        assertThat(job.get("error").isNull()).isTrue();
        assertThat(sim.job(id).orElseThrow().getStatus()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
        assertThat(sim.overrideStatus("nope", "CANCELLED")).isFalse();
    }

    @Test
    void forcingAKnownStatusKeepsTimestampsConsistent() {
        try (Simulator slow = Simulator.builder().queuedFor(Duration.ofSeconds(30)).start()) {
            TestHttp h = new TestHttp(slow);
            String id = h.submitId(IMAGE_MODEL, "{}");
            slow.overrideStatus(id, "IN_PROGRESS");
            JsonNode running = json(h.job(id));
            assertThat(running.get("status").asText()).isEqualTo("IN_PROGRESS");
            assertThat(Instant.parse(running.get("started_at").asText())).isBeforeOrEqualTo(Instant.now());
            assertThat(running.get("completed_at").isNull()).isTrue();
            TestHttp.sleep(20);
            slow.overrideStatus(id, "FAILED");
            JsonNode failed = json(h.job(id));
            assertThat(failed.get("started_at")).as("started_at does not move").isEqualTo(running.get("started_at"));
            assertThat(failed.get("error").asText()).isNotBlank();
            Instant created = Instant.parse(failed.get("created_at").asText());
            Instant started = Instant.parse(failed.get("started_at").asText());
            Instant completed = Instant.parse(failed.get("completed_at").asText());
            assertThat(created).isBeforeOrEqualTo(started);
            assertThat(started).isBeforeOrEqualTo(completed);
        }
    }
}
