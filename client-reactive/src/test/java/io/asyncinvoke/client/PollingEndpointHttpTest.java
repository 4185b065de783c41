package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** What is polled, over real HTTP against the simulator: the whole job by default, and the fallback from /status. */
class PollingEndpointHttpTest {

    private static final PollingOptions QUICK = PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
            .withInterval(Duration.ofMillis(20)).withBackoffFactor(1).withJitter(0).withTimeout(Duration.ofSeconds(20));

    private static Simulator.Builder simulator() {
        return Simulator.builder().queuedFor(Duration.ofMillis(60)).runningFor(Duration.ofMillis(120));
    }

    private static AsyncInvokeAsyncClient client(Simulator sim, PollingOptions polling) {
        return new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey()).pollingOptions(polling)
                .buildAsyncClient();
    }

    private static io.asyncinvoke.model.AsyncInvokeRequest image() {
        return InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse").build();
    }

    @Test
    void byDefaultEveryPollReadsTheWholeJobAndTheLastOneIsTheResult() {
        try (Simulator sim = simulator().statusEndpoint(false).start()) {
            Job job = client(sim, QUICK).invoke(image()).block(Duration.ofSeconds(20));

            assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
            assertThat(job.getOutput()).containsKey("images");
            assertThat(sim.journal().count(Endpoint.STATUS)).isZero();
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(sim.journal().pollsFor(job.getRequestId()).size());
            assertThat(sim.journal().countStatus(404)).isZero();
        }
    }

    @Test
    void aServiceWithoutStatusIsReadByIdInsteadAndThatIsLoggedOnce() {
        Logger log = (Logger) LoggerFactory.getLogger(StatusEndpoint.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        Level before = log.getLevel();
        log.setLevel(Level.INFO);
        try (Simulator sim = simulator().statusEndpoint(false).start()) {
            AsyncInvokeAsyncClient client = client(sim, QUICK.withEndpoint(PollingEndpoint.STATUS));

            Job first = client.invoke(image()).block(Duration.ofSeconds(20));
            Job second = client.invoke(image()).block(Duration.ofSeconds(20));
            String id = client.submit(image()).block().getRequestId();
            assertThat(client.status(id).block().getRequestId()).isEqualTo(id);

            assertThat(first.getOutput()).containsKey("images");
            assertThat(second.getStatus()).isEqualTo(JobState.COMPLETED);
            assertThat(sim.journal().count(Endpoint.STATUS)).as("asked once in the client's life").isEqualTo(1);
            assertThat(events.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(1)
                    .first().satisfies(e -> assertThat(e.getFormattedMessage()).contains("404"));
        } finally {
            log.detachAppender(events);
            log.setLevel(before);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {405, 501})
    void aStatusCallAnswered405Or501AlsoSwitchesToTheWholeJob(int status) {
        try (Simulator sim = simulator().start()) {
            sim.inject(Fault.status(status).on(Endpoint.STATUS));
            AsyncInvokeAsyncClient client = client(sim, QUICK.withEndpoint(PollingEndpoint.STATUS));

            Job job = client.invoke(image()).block(Duration.ofSeconds(20));

            assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(1);
        }
    }

    @Test
    void withStatusServedTheLightCallIsPolledAndTheJobReadOnce() {
        try (Simulator sim = simulator().start()) {
            Job job = client(sim, QUICK.withEndpoint(PollingEndpoint.STATUS)).invoke(image()).block(Duration.ofSeconds(20));

            assertThat(job.getOutput()).containsKey("images");
            assertThat(sim.journal().count(Endpoint.STATUS)).isGreaterThan(1);
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(1);
        }
    }

    @Test
    void anUnknownJobIsNotFoundWhicheverCallIsPolled() {
        try (Simulator sim = simulator().statusEndpoint(false).start()) {
            for (PollingEndpoint endpoint : PollingEndpoint.values()) {
                Throwable error = client(sim, QUICK.withEndpoint(endpoint)).watch("no-such-job").then()
                        .materialize().block(Duration.ofSeconds(10)).getThrowable();
                assertThat(error).as(endpoint.name()).isInstanceOf(NotFoundException.class);
                assertThat(((NotFoundException) error).requestId()).contains("no-such-job");
            }
        }
    }
}
