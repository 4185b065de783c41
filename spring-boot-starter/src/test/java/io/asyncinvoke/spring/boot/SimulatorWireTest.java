package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configured client against the simulator, over real HTTP. */
class SimulatorWireTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String IMAGE = "fal-ai/flux/schnell";

    private Simulator sim;
    private ApplicationContextRunner runner;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(30)).runningFor(Duration.ofMillis(60)).extraFields(true)
                .start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class))
                .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                        "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms",
                        "async-invoke.polling.backoff-factor=1.0", "async-invoke.retry.min-backoff=5ms",
                        "async-invoke.retry.max-backoff=20ms");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void anApplicationsObjectMapperDoesNotChangeTheWireFormat() {
        // camelCase names and strict unknown-field handling, both the opposite of the API's JSON
        runner.withBean(ObjectMapper.class, () -> new ObjectMapper()
                        .setPropertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
                .run(context -> {
                    ObjectMapper appMapper = context.getBean(ObjectMapper.class);
                    assertThat(appMapper.getPropertyNamingStrategy()).isSameAs(PropertyNamingStrategies.LOWER_CAMEL_CASE);
                    assertThat(appMapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isTrue();

                    Job job = context.getBean(AsyncInvokeClient.class)
                            .invoke(InvokeRequests.image(IMAGE).prompt("a lighthouse").numImages(1).build(), WAIT);

                    assertThat(job.getStatus()).as("the simulator's extra fields did not break decoding")
                            .isEqualTo(JobState.COMPLETED);
                    String body = sim.journal().requests(Endpoint.SUBMIT).get(0).body();
                    assertThat(body).contains("\"model_id\"", "\"num_images\"").doesNotContain("modelId", "numImages");
                });
    }

    @Test
    void aJobUpdateWrittenByTheApplicationsMapperKeepsTheApiNames() {
        runner.withBean(ObjectMapper.class, () -> JsonMapper.builder().findAndAddModules()
                        .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE).build())
                .run(context -> {
                    List<JobUpdate> updates = context.getBean(AsyncInvokeAsyncClient.class)
                            .submitAndWatch(InvokeRequests.image(IMAGE).prompt("x").build()).collectList().block(WAIT);
                    String json = context.getBean(ObjectMapper.class).writeValueAsString(updates.get(updates.size() - 1));

                    assertThat(json).startsWith("{\"request_id\":").contains("\"status\":\"COMPLETED\"",
                            "\"terminal\":true", "\"model_id\":\"" + IMAGE + "\"");
                });
    }

    @Test
    void theKeyAndUserAgentSuffixAreSent() {
        runner.withPropertyValues("async-invoke.user-agent-suffix=shop/2.0").run(context -> {
            context.getBean(AsyncInvokeClient.class).submit(InvokeRequests.image(IMAGE).prompt("x").build());

            RecordedRequest submit = sim.journal().requests(Endpoint.SUBMIT).get(0);
            assertThat(submit.authorizationValid()).isTrue();
            assertThat(submit.header("User-Agent")).startsWith("async-invoke-java/").endsWith(" shop/2.0");
        });
    }

    @Test
    void theKeyFromModelAccessKeyIsSent() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class))
                .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "MODEL_ACCESS_KEY=" + sim.apiKey())
                .run(context -> {
                    context.getBean(AsyncInvokeClient.class).submit(InvokeRequests.image(IMAGE).prompt("x").build());
                    assertThat(sim.journal().requests(Endpoint.SUBMIT).get(0).authorizationValid()).isTrue();
                });
    }

    @Test
    void retryMaxAttemptsIsHonoured() {
        sim.inject(Fault.status(503).on(Endpoint.STATUS));
        runner.withPropertyValues("async-invoke.retry.max-attempts=2").run(context -> {
            assertThatThrownBy(() -> context.getBean(AsyncInvokeClient.class).status("some-job"))
                    .hasMessageContaining("503");
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(2);
        });
    }

    @Test
    void responseTimeoutIsHonoured() {
        sim.inject(Fault.hang().on(Endpoint.STATUS));
        runner.withPropertyValues("async-invoke.response-timeout=300ms", "async-invoke.retry.max-attempts=1")
                .run(context -> {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> context.getBean(AsyncInvokeClient.class).status("some-job"))
                            .isInstanceOfSatisfying(TransportException.class,
                                    e -> assertThat(e.isTimeout()).isTrue());
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                });
    }

    @Test
    void listenerBeansSeeTheClientsEvents() {
        AsyncInvokeAutoConfigurationTest.ListenersAndCustomizer.EVENTS.clear();
        runner.withUserConfiguration(AsyncInvokeAutoConfigurationTest.ListenersAndCustomizer.class).run(context -> {
            Job job = context.getBean(AsyncInvokeClient.class).invoke(InvokeRequests.image(IMAGE).prompt("x").build(),
                    WAIT);
            assertThat(AsyncInvokeAutoConfigurationTest.ListenersAndCustomizer.EVENTS).containsExactly(job.getRequestId());
        });
    }
}
