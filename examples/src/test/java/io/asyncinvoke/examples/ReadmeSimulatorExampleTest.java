package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Testing with the simulator" snippets, verbatim, so that they keep working. */
class ReadmeSimulatorExampleTest {

    @Test
    void generatesAThumbnail(@TempDir Path dir) {
        try (Simulator sim = Simulator.builder()                  // binds loopback, free ports, starts in ms
                .queuedFor(Duration.ofMillis(50))
                .runningFor(Duration.ofMillis(200))
                .start()) {
            AsyncInvokeClient client = new AsyncInvokeClientBuilder()
                    .endpoint(sim.baseUrl())                      // http is fine on loopback
                    .apiKey(sim.apiKey())
                    .buildClient();

            sim.inject(Fault.status(503).on(Endpoint.GET).times(2));      // two failed polls, retried
            Job job = client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("a cat").build(),
                    Duration.ofSeconds(30));
            List<Path> files = client.downloadAll(job, dir);

            assertThat(files).hasSize(1);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);        // exactly one POST
            assertThat(sim.journal().pollsFor(job.getRequestId())).isNotEmpty();
            assertThat(sim.journal().requests(Endpoint.MEDIA))
                    .allSatisfy(r -> assertThat(r.authorizationPresent()).isFalse());
        }
    }

    @Test
    void answersTheServiceNeverGives() {
        Script script = Script.of(Answer.json(429, "{\"id\":\"too_many_requests\"}").header("Retry-After", 1))
                .otherwise(Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"IN_PROGRESS\"}"));
        try (Simulator server = Simulator.builder().dispatcher(script).start()) {
            AsyncInvokeClient client = new AsyncInvokeClientBuilder()
                    .endpoint(server.baseUrl()).apiKey("sk-do-any-key").buildClient();

            assertThat(client.status("job-1").getStatus()).isEqualTo(JobState.IN_PROGRESS);  // after a retry
            assertThat(server.journal().requests()).hasSize(2);
        }
    }
}
