package io.asyncinvoke.micrometer;

import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.ACTIVE_WATCHES;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.JOBS_COMPLETED;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.JOBS_FAILED;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.JOBS_SUBMITTED;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.JOB_DURATION;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.RATE_LIMIT_WAITS;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.REQUESTS;
import static io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener.RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

class MicrometerAsyncInvokeListenerTest {

    private static final String IMAGE = "fal-ai/flux/schnell";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Simulator sim;
    private AsyncInvokeAsyncClient client;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(30)).runningFor(Duration.ofMillis(60)).start();
        client = new AsyncInvokeClientBuilder()
                .endpoint(sim.baseUrl())
                .apiKey(sim.apiKey())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                        .withInterval(Duration.ofMillis(20)).withBackoffFactor(1.0))
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5))
                        .withMaxBackoff(Duration.ofMillis(20)))
                .listener(new MicrometerAsyncInvokeListener(registry))
                .buildAsyncClient();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aCompletedJobIsCountedTimedAndTaggedByModel() throws InterruptedException {
        Job job = client.invoke(InvokeRequests.image(IMAGE).prompt("a lighthouse").build()).block(WAIT);

        assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
        assertThat(registry.get(JOBS_SUBMITTED).tag("model", IMAGE).counter().count()).isEqualTo(1);
        assertThat(registry.get(JOBS_COMPLETED).tag("model", IMAGE).counter().count()).isEqualTo(1);
        assertThat(registry.find(JOBS_FAILED).counters()).isEmpty();
        assertThat(registry.get(JOB_DURATION).tags("model", IMAGE, "status", "completed").timer().count()).isEqualTo(1);
        assertThat(registry.get(REQUESTS).tags("operation", "submit", "outcome", "success", "status", "2xx").timer().count())
                .isEqualTo(1);
        assertThat(registry.get(REQUESTS).tags("operation", "get", "outcome", "success", "status", "2xx").timer().count())
                .as("every poll reads the whole job").isGreaterThanOrEqualTo(1);
        assertThat(registry.find(REQUESTS).tags("operation", "status").timers()).isEmpty();
        // doFinally (watchEnded) runs just after the terminal signal reached block(): wait for it.
        awaitGauge(0);
    }

    @Test
    void aFailedJobIsCountedAsFailed() {
        sim.failNextJobs(1, "the model refused");

        assertThatThrownBy(() -> client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT))
                .isInstanceOf(JobFailedException.class);

        assertThat(registry.get(JOBS_FAILED).tag("model", IMAGE).counter().count()).isEqualTo(1);
        assertThat(registry.find(JOBS_COMPLETED).counters()).isEmpty();
        assertThat(registry.get(JOB_DURATION).tags("model", IMAGE, "status", "failed").timer().count()).isEqualTo(1);
    }

    @Test
    void retriesAndServerErrorsAreTaggedByOperationAndStatusClass() {
        sim.inject(Fault.status(503).on(Endpoint.GET).times(2));

        client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);

        assertThat(registry.get(RETRIES).tag("operation", "get").counter().count()).isEqualTo(2);
        assertThat(registry.get(REQUESTS).tags("operation", "get", "outcome", "server_error", "status", "5xx")
                .timer().count()).isEqualTo(2);
    }

    @Test
    void rateLimitWaitsAreRecorded() {
        sim.inject(Fault.rateLimited(Duration.ofMillis(10)).on(Endpoint.GET).times(1));

        client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);

        assertThat(registry.get(RATE_LIMIT_WAITS).timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get(REQUESTS).tags("operation", "get", "outcome", "rate_limited", "status", "4xx")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void budgetStoreOutagesAreCountedAndTheClientsOnTheirOwnBudgetGauged() {
        MicrometerAsyncInvokeListener a = new MicrometerAsyncInvokeListener(registry);
        MicrometerAsyncInvokeListener b = new MicrometerAsyncInvokeListener(registry);
        a.budgetStoreUnavailable("redis://127.0.0.1:6379", new IllegalStateException("refused"));
        b.budgetStoreUnavailable("redis://127.0.0.1:6379", new IllegalStateException("refused"));
        assertThat(registry.get(MicrometerAsyncInvokeListener.BUDGET_STORE_FALLBACKS).counter().count()).isEqualTo(2);
        assertThat(registry.get(MicrometerAsyncInvokeListener.BUDGET_STORE_ON_FALLBACK).gauge().value()).isEqualTo(2);
        a.budgetStoreRestored("redis://127.0.0.1:6379", Duration.ofSeconds(3));
        assertThat(registry.get(MicrometerAsyncInvokeListener.BUDGET_STORE_ON_FALLBACK).gauge().value()).isEqualTo(1);
    }

    @Test
    void theGaugeCountsWatchesInFlight() throws InterruptedException {
        sim = restartWith(Simulator.builder().queuedFor(Duration.ofMinutes(5)));
        String id = client.submit(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT).getRequestId();

        Flux<JobUpdate> watch = client.watch(id);
        Disposable first = watch.subscribe();
        Disposable second = watch.subscribe();
        awaitGauge(2);
        first.dispose();
        awaitGauge(1);
        second.dispose();
        awaitGauge(0);
    }

    @Test
    void listenersOnOneRegistryShareTheGauge() {
        MicrometerAsyncInvokeListener a = new MicrometerAsyncInvokeListener(registry);
        MicrometerAsyncInvokeListener b = new MicrometerAsyncInvokeListener(registry);
        a.watchStarted(new JobCall("r", "m", false));
        b.watchStarted(new JobCall("r", "m", false));
        b.watchStarted(new JobCall("r", "m", false));
        a.watchEnded(new JobCall("r", "m", false), null);

        assertThat(registry.get(ACTIVE_WATCHES).gauge().value()).isEqualTo(2);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        new MicrometerAsyncInvokeListener(other).watchStarted(new JobCall("r", "m", false));
        assertThat(other.get(ACTIVE_WATCHES).gauge().value()).as("another registry counts apart").isEqualTo(1);
    }

    @Test
    void noTagCarriesARequestId() {
        Job job = client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);

        List<String> tagValues = registry.getMeters().stream()
                .map(Meter::getId)
                .flatMap(id -> id.getTags().stream())
                .map(Tag::getValue)
                .collect(Collectors.toList());
        assertThat(tagValues).isNotEmpty().doesNotContain(job.getRequestId());
    }

    @Test
    void modelTagsAreBounded() {
        MicrometerAsyncInvokeListener listener = new MicrometerAsyncInvokeListener(registry);
        for (int i = 0; i < MicrometerAsyncInvokeListener.MAX_MODELS + 20; i++) {
            listener.jobSubmitted(null, new Job().requestId("r").modelId("model-" + i));
        }
        listener.jobSubmitted(null, new Job().requestId("r").modelId(null));

        assertThat(registry.find(JOBS_SUBMITTED).counters()).hasSize(MicrometerAsyncInvokeListener.MAX_MODELS + 2);
        assertThat(registry.get(JOBS_SUBMITTED).tag("model", "other").counter().count()).isEqualTo(20);
        assertThat(registry.get(JOBS_SUBMITTED).tag("model", "unknown").counter().count()).isEqualTo(1);
        listener.jobSubmitted(null, new Job().requestId("r").modelId("model-0"));
        assertThat(registry.get(JOBS_SUBMITTED).tag("model", "model-0").counter().count()).isEqualTo(2);
    }

    @Test
    void outcomesAndStatusClasses() {
        assertThat(MicrometerAsyncInvokeListener.statusClass(0)).isEqualTo("none");
        assertThat(MicrometerAsyncInvokeListener.statusClass(202)).isEqualTo("2xx");
        assertThat(MicrometerAsyncInvokeListener.statusClass(404)).isEqualTo("4xx");
        assertThat(MicrometerAsyncInvokeListener.outcome(200, null)).isEqualTo("success");
        assertThat(MicrometerAsyncInvokeListener.outcome(401, new RuntimeException())).isEqualTo("client_error");
        assertThat(MicrometerAsyncInvokeListener.outcome(502, new RuntimeException())).isEqualTo("server_error");
    }

    @Test
    void aJobWithoutTimestampsIsCountedButNotTimed() {
        MicrometerAsyncInvokeListener listener = new MicrometerAsyncInvokeListener(registry);
        listener.jobFinished(new JobCall("r", IMAGE, false), new Job().requestId("r").modelId(IMAGE).status(JobState.COMPLETED)
                .createdAt(OffsetDateTime.now(ZoneOffset.UTC)));
        listener.jobFinished(new JobCall("r", IMAGE, false), new Job().requestId("r").modelId(IMAGE).status(JobState.IN_PROGRESS));
        listener.requestCompleted(new Exchange(Operation.DOWNLOAD, 1, null, null, "http://m/x", null), 200, null, Duration.ofMillis(1));

        assertThat(registry.get(JOBS_COMPLETED).tag("model", IMAGE).counter().count()).isEqualTo(1);
        assertThat(registry.find(JOB_DURATION).timers()).isEmpty();
        assertThat(registry.get(REQUESTS).tag("operation", "download").timer().count()).isEqualTo(1);
    }

    private Simulator restartWith(Simulator.Builder builder) {
        sim.close();
        Simulator started = builder.start();
        client = new AsyncInvokeClientBuilder().endpoint(started.baseUrl()).apiKey(started.apiKey())
                .listener(new MicrometerAsyncInvokeListener(registry)).buildAsyncClient();
        return started;
    }

    private void awaitGauge(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.get(ACTIVE_WATCHES).gauge().value() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(registry.get(ACTIVE_WATCHES).gauge().value()).isEqualTo(expected);
    }
}
