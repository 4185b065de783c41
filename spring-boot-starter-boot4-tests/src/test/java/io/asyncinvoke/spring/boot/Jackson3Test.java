package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boot 4 brings Jackson 3 ({@code tools.jackson}) beside the client's Jackson 2: the application's
 * Jackson 3 configuration never changes the API's wire format, and a {@link JobUpdate} written by
 * the application's Jackson 3 mapper (as WebFlux's Jackson 3 codecs write Server-Sent Events)
 * keeps the API's names.
 */
class Jackson3Test {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String IMAGE = "fal-ai/flux/schnell";

    private Simulator sim;
    private ApplicationContextRunner runner;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40)).extraFields(true)
                .start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AsyncInvokeAutoConfiguration.class))
                .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                        "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms",
                        // the opposite of the API's JSON, on every count
                        "spring.jackson.property-naming-strategy=UPPER_CAMEL_CASE",
                        "spring.jackson.deserialization.fail-on-unknown-properties=true",
                        "spring.jackson.default-property-inclusion=always");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void theApplicationsJackson3ConfigurationDoesNotChangeTheWireFormat() {
        runner.run(context -> {
            JsonMapper appMapper = context.getBean(JsonMapper.class);
            assertThat(appMapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isTrue();

            Job job = context.getBean(AsyncInvokeClient.class)
                    .invoke(InvokeRequests.image(IMAGE).prompt("a lighthouse").numImages(2).build(), WAIT);

            assertThat(job.getStatus()).as("the simulator's extra fields did not break decoding")
                    .isEqualTo(JobState.COMPLETED);
            String body = sim.journal().requests(Endpoint.SUBMIT).get(0).body();
            assertThat(body).contains("\"model_id\"", "\"num_images\":2").doesNotContain("ModelId", "NumImages");
        });
    }

    @Test
    void aJobUpdateWrittenByTheApplicationsJackson3MapperKeepsTheApiNames() {
        runner.run(context -> {
            List<JobUpdate> updates = context.getBean(AsyncInvokeAsyncClient.class)
                    .submitAndWatch(InvokeRequests.image(IMAGE).prompt("x").build()).collectList().block(WAIT);
            JsonMapper appMapper = context.getBean(JsonMapper.class);

            String first = appMapper.writeValueAsString(updates.get(0));
            String last = appMapper.writeValueAsString(updates.get(updates.size() - 1));

            assertThat(first).startsWith("{\"request_id\":").contains("\"status\":\"QUEUED\"", "\"terminal\":false");
            assertThat(last).contains("\"status\":\"COMPLETED\"", "\"terminal\":true", "\"model_id\":\"" + IMAGE + "\"",
                    "\"content_type\":\"image/png\"", "\"created_at\":\"");
            assertThat(last).doesNotContain("\"ModelId\"", "\"RequestId\"", "\"Terminal\"");
            // what WebFlux writes Server-Sent Events with on Boot 4
            assertThat(new JacksonJsonEncoder(appMapper).canEncode(
                    org.springframework.core.ResolvableType.forClass(JobUpdate.class), null)).isTrue();
        });
    }
}
