package io.asyncinvoke.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.EncoderHttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/** The page's API over HTTP, without a browser. */
@DemoOnSimulator
class JobControllerTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };

    @LocalServerPort
    int port;

    @Autowired
    Simulator simulator;

    @Autowired
    ServerCodecConfigurer codecs;

    WebTestClient http;

    @BeforeEach
    void client() {
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(60))
                .build();
    }

    @Test
    void thePageIsServed() {
        String html = http.get().uri("/").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(html).contains("<form id=\"job-form\"", "app.js");
        Map<String, Object> info = http.get().uri("/api/info").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(info).containsEntry("mode", "simulator");
    }

    @Test
    void badInputGetsAClearMessageAndSendsNothing() {
        long submitsBefore = simulator.journal().count(Endpoint.SUBMIT);

        expectBadRequest(Map.of("family", "image", "prompt", "   "), "Please enter a prompt for the image.");
        expectBadRequest(Map.of("family", "audio"), "Please enter a prompt for the audio.");
        expectBadRequest(Map.of("family", "speech", "prompt", "hello"), "Please enter the text to speak.");
        expectBadRequest(Map.of("family", "video", "prompt", "x"),
                "Unknown model family \"video\": choose image, audio or speech.");
        expectBadRequest(Map.of("prompt", "x"), "Choose a model family: image, audio or speech.");
        expectBadRequest(Map.of("family", "image", "prompt", "x".repeat(JobController.MAX_INPUT_LENGTH + 1)),
                "The prompt is too long: at most 2000 characters.");

        assertThat(simulator.journal().count(Endpoint.SUBMIT)).isEqualTo(submitsBefore);
    }

    @Test
    void aJobStreamsItsStatusChangesThenItsMedia() {
        Map<String, Object> submitted = submit(Map.of("family", "image", "prompt", "a lighthouse"));
        assertThat(submitted).containsEntry("status", "QUEUED").containsEntry("model_id", "fal-ai/flux/schnell");

        List<ServerSentEvent<Map<String, Object>>> events = events((String) submitted.get("request_id"));

        assertThat(events).extracting(ServerSentEvent::event).endsWith("status", "result")
                .containsOnly("status", "result");
        assertThat(events).filteredOn(e -> "status".equals(e.event())).extracting(e -> e.data().get("status"))
                .containsSubsequence("IN_PROGRESS", "COMPLETED");
        Map<String, Object> result = events.get(events.size() - 1).data();
        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("kind", "image")
                .containsEntry("content_type", "image/png");
        assertThat((String) result.get("url")).startsWith(simulator.mediaBaseUrl());
    }

    @Test
    void statusEventsAreWrittenByBootFoursJackson3WithTheApisNames() {
        // Boot 4's WebFlux writes JSON with Jackson 3; the client keeps Jackson 2 for the wire format
        assertThat(codecs.getWriters()).anySatisfy(writer -> assertThat(writer)
                .isInstanceOfSatisfying(EncoderHttpMessageWriter.class,
                        w -> assertThat(w.getEncoder()).isInstanceOf(JacksonJsonEncoder.class)));
        String requestId = (String) submit(Map.of("family", "image", "prompt", "a lighthouse")).get("request_id");

        List<String> raw = WebClient.create("http://127.0.0.1:" + port).get()
                .uri("/api/jobs/{id}/events", requestId).accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(String.class).collectList().block(Duration.ofSeconds(60));

        assertThat(raw.get(0)).startsWith("{\"request_id\":\"" + requestId + "\",\"status\":")
                .contains("\"terminal\":false");
        assertThat(raw).anySatisfy(data -> assertThat(data).contains("\"terminal\":true", "\"model_id\":\"",
                "\"created_at\":\"", "\"content_type\":\"image/png\""));
    }

    @Test
    void aFailedJobEndsWithItsError() {
        Map<String, Object> submitted = submit(Map.of("family", "speech", "text", "please #FAIL now"));

        List<ServerSentEvent<Map<String, Object>>> events = events((String) submitted.get("request_id"));

        Map<String, Object> result = events.get(events.size() - 1).data();
        assertThat(result).containsEntry("status", "FAILED");
        assertThat((String) result.get("error")).contains("could not process this input");
    }

    @Test
    void anUnknownJobIsAFailureEventNotAStackTrace() {
        List<ServerSentEvent<Map<String, Object>>> events = events("no-such-job");

        assertThat(events).hasSize(1);
        assertThat(events.get(0).event()).isEqualTo("failure");
        assertThat(events.get(0).data()).containsEntry("message", "There is no job no-such-job (unknown or expired).");
    }

    @Test
    void onlyHttpMediaUrlsAreOffered() {
        Job sneaky = new Job().requestId("r").status(JobState.COMPLETED)
                .output(Map.of("images", List.of(Map.of("url", "javascript:alert(1)"))));
        Job audio = new Job().requestId("r").status(JobState.COMPLETED)
                .output(Map.of("audio", Map.of("url", "https://media.example/a.mp3", "content_type", "audio/mpeg")));

        assertThat(JobController.media(sneaky)).isEmpty();
        assertThat(JobController.media(audio)).hasValueSatisfying(media -> assertThat(media)
                .containsEntry("kind", "audio").containsEntry("url", "https://media.example/a.mp3"));
    }

    @Test
    void theSimulatorRunsUnlessAKeyOrEndpointIsConfigured() {
        assertThat(useSimulator(new MockEnvironment())).isTrue();
        assertThat(useSimulator(new MockEnvironment().withProperty("MODEL_ACCESS_KEY", "sk-do-x"))).isFalse();
        assertThat(useSimulator(new MockEnvironment().withProperty("async-invoke.api-key", "sk-do-x"))).isFalse();
        assertThat(useSimulator(new MockEnvironment().withProperty("async-invoke.endpoint", "https://x"))).isFalse();
        assertThat(useSimulator(new MockEnvironment().withProperty("MODEL_ACCESS_KEY", "sk-do-x")
                .withProperty("demo.simulator.enabled", "true"))).isTrue();
        assertThat(useSimulator(new MockEnvironment().withProperty("demo.simulator.enabled", "false"))).isFalse();
    }

    private static boolean useSimulator(MockEnvironment env) {
        return EmbeddedSimulatorConfiguration.UseSimulator.enabled(env);
    }

    private void expectBadRequest(Map<String, String> fields, String message) {
        Map<String, Object> body = http.post().uri("/api/jobs").body(form(fields)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(body).containsExactly(Map.entry("error", message));
    }

    private Map<String, Object> submit(Map<String, String> fields) {
        return http.post().uri("/api/jobs").body(form(fields)).exchange()
                .expectStatus().isAccepted()
                .expectBody(JSON_MAP)
                .returnResult().getResponseBody();
    }

    private List<ServerSentEvent<Map<String, Object>>> events(String requestId) {
        return WebClient.create("http://127.0.0.1:" + port).get()
                .uri("/api/jobs/{id}/events", requestId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .collectList()
                .block(Duration.ofSeconds(60));
    }

    private static BodyInserters.FormInserter<String> form(Map<String, String> fields) {
        BodyInserters.FormInserter<String> form = null;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            form = form == null ? BodyInserters.fromFormData(field.getKey(), field.getValue())
                    : form.with(field.getKey(), field.getValue());
        }
        return form;
    }
}
