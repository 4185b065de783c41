package io.asyncinvoke.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;

import brave.handler.MutableSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The sample application, started whole (every auto-configuration on the class path) on a random
 * port, against the simulator: Server-Sent Events keep the API's names under the line's JSON
 * codecs even with an application naming strategy, the meters are bound and exposed by Actuator,
 * and tracing shows a span per job with a child span per request.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "management.endpoints.web.exposure.include=metrics",
                "management.tracing.sampling.probability=1.0",
                // the application's JSON says otherwise: the API's names must not change
                "spring.jackson.property-naming-strategy=UPPER_CAMEL_CASE",
                "spring.reactor.context-propagation=auto",
                "async-invoke.polling.first-delay=20ms",
                "async-invoke.polling.interval=20ms",
                "async-invoke.polling.backoff-factor=1.0"})
class SampleApplicationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Simulator SIM = Simulator.builder().queuedFor(Duration.ofMillis(30))
            .runningFor(Duration.ofMillis(60)).start();

    @DynamicPropertySource
    static void simulator(DynamicPropertyRegistry registry) {
        registry.add("async-invoke.endpoint", SIM::baseUrl);
        registry.add("async-invoke.api-key", SIM::apiKey);
    }

    @AfterAll
    static void stop() {
        SIM.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    SampleApplication.Spans spans;

    WebClient http;

    @BeforeEach
    void client() {
        http = WebClient.create("http://127.0.0.1:" + port);
    }

    private List<JsonNode> images(String prompt) throws Exception {
        List<String> data = http.get().uri(b -> b.path("/images").queryParam("prompt", prompt).build())
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(String.class).collectList().block(WAIT);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String d : data) {
            events.add(json.readTree(d));
        }
        return events;
    }

    @Test
    void serverSentEventsKeepTheApisNames() throws Exception {
        List<JsonNode> events = images("a lighthouse");

        assertThat(events).isNotEmpty();
        JsonNode first = events.get(0);
        JsonNode last = events.get(events.size() - 1);
        assertThat(first.fieldNames()).toIterable().containsExactly("request_id", "status", "terminal", "job");
        assertThat(first.get("status").asText()).isEqualTo("QUEUED");
        assertThat(last.get("terminal").asBoolean()).isTrue();
        assertThat(last.get("status").asText()).isEqualTo("COMPLETED");
        JsonNode job = last.get("job");
        assertThat(job.get("model_id").asText()).isEqualTo(AsyncInvokeDefaults.IMAGE_MODEL);
        assertThat(job.get("request_id").asText()).isEqualTo(first.get("request_id").asText());
        assertThat(job.path("output").path("images").get(0).get("content_type").asText()).isEqualTo("image/png");
        assertThat(job.has("ModelId") || job.has("modelId")).isFalse();
        assertThat(SIM.journal().requests(Endpoint.SUBMIT).get(0).body()).contains("\"model_id\"", "\"prompt\"");
    }

    @Test
    void actuatorShowsTheMeters() throws Exception {
        images("a metered lighthouse");

        JsonNode submitted = metric("asyncinvoke.jobs.submitted");
        assertThat(submitted.path("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        JsonNode jobs = awaitMetric("asyncinvoke.job");
        assertThat(jobs.path("availableTags").toString()).contains("gen_ai.request.model", "asyncinvoke.outcome");
        assertThat(metric("asyncinvoke.requests").path("availableTags").toString()).contains("operation");
    }

    @Test
    void tracingShowsAJobSpanWithARequestSpanPerCall() throws Exception {
        spans.finished.clear();
        String requestId = images("a traced lighthouse").get(0).get("request_id").asText();

        MutableSpan job = await(span -> requestId.equals(span.tag("asyncinvoke.request_id"))
                && span.name() != null && span.name().toLowerCase(Locale.ROOT).startsWith("image "));
        assertThat(job.name().toLowerCase(Locale.ROOT)).isEqualTo("image " + AsyncInvokeDefaults.IMAGE_MODEL);
        assertThat(job.tag("asyncinvoke.outcome")).isEqualTo("completed");
        assertThat(job.tag("gen_ai.operation.name")).isEqualTo("image");

        MutableSpan submit = await(span -> job.id().equals(span.parentId())
                && "post /v1/async-invoke".equalsIgnoreCase(span.name()));
        assertThat(submit.kind()).isEqualTo(brave.Span.Kind.CLIENT);
        assertThat(submit.tag("http.response.status_code")).isEqualTo("202");
        List<MutableSpan> polls = spans.finished.stream().filter(span -> job.id().equals(span.parentId())
                && "get /v1/async-invoke/{request_id}".equalsIgnoreCase(span.name())).collect(Collectors.toList());
        assertThat(polls).isNotEmpty().allSatisfy(poll -> assertThat(poll.traceId()).isEqualTo(job.traceId()));

        // the job is part of the request that asked for it
        Optional<MutableSpan> server = spans.finished.stream().filter(span -> span.id().equals(job.parentId()))
                .findFirst();
        assertThat(server).as("the job span's parent, the server span of GET /images").isPresent();
        assertThat(server.get().kind()).isEqualTo(brave.Span.Kind.SERVER);
    }

    private MutableSpan await(Predicate<MutableSpan> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<MutableSpan> found = spans.finished.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such span among " + spans.finished);
    }

    private JsonNode metric(String name) throws Exception {
        String body = http.get().uri("/actuator/metrics/" + name).retrieve().bodyToMono(String.class).block(WAIT);
        return new ObjectMapper().readTree(body);
    }

    private JsonNode awaitMetric(String name) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return metric(name);
            } catch (org.springframework.web.reactive.function.client.WebClientResponseException.NotFound e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }
}
