package io.asyncinvoke.micrometer;

import static io.asyncinvoke.micrometer.ObservationAsyncInvokeListener.JOB_OBSERVATION;
import static io.asyncinvoke.micrometer.ObservationAsyncInvokeListener.REQUEST_OBSERVATION;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** The observations of jobs and of their HTTP requests, against the simulator over real HTTP. */
class ObservationAsyncInvokeListenerTest {

    private static final String IMAGE = "fal-ai/flux/schnell";
    private static final String SPEECH = "fal-ai/elevenlabs/tts/multilingual-v2";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final Recorder recorder = new Recorder();
    private Simulator sim;
    private AsyncInvokeAsyncClient client;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(30)).runningFor(Duration.ofMillis(60)).start();
        registry.observationConfig().observationHandler(recorder);
        client = builder(new ObservationAsyncInvokeListener(registry)).buildAsyncClient();
    }

    private AsyncInvokeClientBuilder builder(AsyncInvokeListener listener) {
        return new AsyncInvokeClientBuilder()
                .endpoint(sim.baseUrl())
                .apiKey(sim.apiKey())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                        .withInterval(Duration.ofMillis(20)).withBackoffFactor(1.0))
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5))
                        .withMaxBackoff(Duration.ofMillis(20)))
                .listener(listener);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private List<Observation.Context> contexts(String name) {
        return recorder.started.stream().filter(context -> name.equals(context.getName())).collect(Collectors.toList());
    }

    private void assertAllStopped() {
        awaitAllStopped();
        assertThat(recorder.stopped).as("every observation started was stopped")
                .containsExactlyInAnyOrderElementsOf(recorder.started);
    }

    /** A watch ends (doFinally) just after its last signal reached the caller: wait for it. */
    private void awaitAllStopped() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        // Micrometer tells the handlers of a stop in reverse order: the recorder hears of it before the
        // test registry's own handler marks it stopped, so both are waited for
        while ((recorder.stopped.size() < recorder.started.size() || !registryHasAllStopped())
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    private boolean registryHasAllStopped() {
        try {
            // a test of a registry of its own: the test registry has none
            assertThat(registry).hasNumberOfObservationsWithNameEqualTo(JOB_OBSERVATION, 0);
            return true;
        } catch (AssertionError some) {
            // then the job's must be stopped
        }
        try {
            assertThat(registry).hasObservationWithNameEqualTo(JOB_OBSERVATION).that().hasBeenStopped();
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    /** Every context started and stopped, in order. */
    static final class Recorder implements ObservationHandler<Observation.Context> {
        final List<Observation.Context> started = new CopyOnWriteArrayList<>();
        final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

        @Override
        public void onStart(Observation.Context context) {
            started.add(context);
        }

        @Override
        public void onStop(Observation.Context context) {
            stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

        void clear() {
            started.clear();
            stopped.clear();
        }
    }

    @Test
    void aJobIsOneObservationAndEachRequestItsChild() {
        Job job = client.invoke(InvokeRequests.image(IMAGE).prompt("a lighthouse").build()).block(WAIT);
        awaitAllStopped();

        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(JOB_OBSERVATION, 1)
                .hasObservationWithNameEqualTo(JOB_OBSERVATION).that()
                .hasBeenStarted().hasBeenStopped()
                .hasContextualNameEqualTo("image " + IMAGE)
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "image")
                .hasLowCardinalityKeyValue("gen_ai.system", "digitalocean")
                .hasLowCardinalityKeyValue("gen_ai.request.model", IMAGE)
                .hasLowCardinalityKeyValue("asyncinvoke.family", "image")
                .hasLowCardinalityKeyValue("asyncinvoke.outcome", "completed")
                .hasLowCardinalityKeyValue("asyncinvoke.call", "submit_and_watch")
                .hasHighCardinalityKeyValue("asyncinvoke.request_id", job.getRequestId())
                .hasHighCardinalityKeyValue("asyncinvoke.status", "COMPLETED")
                .doesNotHaveError();

        Observation.Context jobContext = contexts(JOB_OBSERVATION).get(0);
        List<Observation.Context> requests = contexts(REQUEST_OBSERVATION);
        assertThat((long) requests.size()).isEqualTo(sim.journal().count(Endpoint.SUBMIT) + sim.journal().count(Endpoint.GET));
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.getParentObservation()).isNotNull();
            assertThat(request.getParentObservation().getContextView()).isSameAs(jobContext);
        });
        assertThat(requests.get(0).getContextualName()).isEqualTo("POST /v1/async-invoke");
        assertThat(requests.get(0).getLowCardinalityKeyValue("http.request.method").getValue()).isEqualTo("POST");
        assertThat(requests.get(0).getLowCardinalityKeyValue("http.response.status_code").getValue()).isEqualTo("202");
        assertThat(requests.get(0).getLowCardinalityKeyValue("asyncinvoke.outcome").getValue()).isEqualTo("success");
        assertThat(requests.subList(1, requests.size())).allSatisfy(poll -> {
            assertThat(poll.getContextualName()).isEqualTo("GET /v1/async-invoke/{request_id}");
            assertThat(poll.getLowCardinalityKeyValue("asyncinvoke.operation").getValue()).isEqualTo("get");
            assertThat(poll.getHighCardinalityKeyValue("asyncinvoke.request_id").getValue()).isEqualTo(job.getRequestId());
        });
        assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
        assertAllStopped();
    }

    @Test
    void aFailedJobIsAnErrorWithTheServersMessage() {
        sim.failNextJobs(1, "the model could not render this");

        assertThatThrownBy(() -> client.invoke(InvokeRequests.speech(SPEECH).text("hello").build()).block(WAIT))
                .isInstanceOf(JobFailedException.class);
        awaitAllStopped();

        assertThat(registry).hasObservationWithNameEqualTo(JOB_OBSERVATION).that()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("asyncinvoke.outcome", "failed")
                .hasLowCardinalityKeyValue("asyncinvoke.family", "speech")
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "text_to_speech")
                .hasHighCardinalityKeyValue("asyncinvoke.status", "FAILED")
                .assertThatError().hasMessageContaining("the model could not render this");
    }

    @Test
    void aTimeoutIsAnError() {
        assertThatThrownBy(() -> client.submitAndWatch(InvokeRequests.image(IMAGE).prompt("x").build(),
                        client.pollingOptions().withTimeout(Duration.ofMillis(40))).blockLast(WAIT))
                .isInstanceOf(AsyncInvokeTimeoutException.class);
        awaitAllStopped();

        assertThat(registry).hasObservationWithNameEqualTo(JOB_OBSERVATION).that().hasBeenStopped()
                .hasLowCardinalityKeyValue("asyncinvoke.outcome", "timeout")
                .assertThatError().isInstanceOf(AsyncInvokeTimeoutException.class);
    }

    @Test
    void aCancelledWatchEndsItsObservationAndTheRequestInFlight() throws Exception {
        Job submitted = client.submit(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);
        sim.inject(Fault.hang().on(Endpoint.GET));

        Disposable watch = client.watch(submitted.getRequestId()).subscribe();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sim.journal().count(Endpoint.GET) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        watch.dispose();
        awaitAllStopped();

        assertThat(registry).hasObservationWithNameEqualTo(JOB_OBSERVATION).that().hasBeenStopped()
                .hasLowCardinalityKeyValue("asyncinvoke.outcome", "cancelled")
                .hasLowCardinalityKeyValue("asyncinvoke.call", "watch")
                .hasHighCardinalityKeyValue("asyncinvoke.request_id", submitted.getRequestId());
        assertAllStopped();
    }

    @Test
    void eachRetryIsARequestOfItsOwn() {
        sim.inject(Fault.status(503).on(Endpoint.GET).times(1));

        client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);

        List<Observation.Context> polls = contexts(REQUEST_OBSERVATION).stream()
                .filter(c -> "get".equals(c.getLowCardinalityKeyValue("asyncinvoke.operation").getValue()))
                .collect(Collectors.toList());
        assertThat(polls.get(0).getLowCardinalityKeyValue("http.response.status_code").getValue()).isEqualTo("503");
        assertThat(polls.get(0).getLowCardinalityKeyValue("asyncinvoke.outcome").getValue()).isEqualTo("server_error");
        assertThat(polls.get(0).getError()).isNotNull();
        assertThat(polls.get(1).getHighCardinalityKeyValue("asyncinvoke.attempt").getValue()).isEqualTo("2");
    }

    @Test
    void aLoneCallIsTheChildOfTheCurrentObservation(@TempDir Path dir) {
        Job job = client.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);
        registry.clear();
        recorder.clear();

        Observation parent = Observation.start("app.work", registry);
        try (Observation.Scope scope = parent.openScope()) {
            client.get(job.getRequestId()).block(WAIT);
            client.download(JobOutput.of(job).images().get(0).file(), dir).block(WAIT);
        } finally {
            parent.stop();
        }

        List<Observation.Context> requests = contexts(REQUEST_OBSERVATION);
        assertThat(requests).hasSize(2).allSatisfy(request ->
                assertThat(request.getParentObservation().getContextView()).isSameAs(parent.getContext()));
        Observation.Context download = requests.get(1);
        assertThat(download.getContextualName()).isEqualTo("GET media");
        assertThat(download.getHighCardinalityKeyValue("url.full").getValue())
                .isEqualTo(JobOutput.of(job).images().get(0).url()).doesNotContain("?");
        assertThat(((RequestObservationContext) download).getRemoteServiceName()).isEqualTo("media");
    }

    @Test
    void aWatchByIdLearnsItsModelFromTheJob() {
        Job submitted = client.submit(InvokeRequests.speech(SPEECH).text("hello").build()).block(WAIT);
        registry.clear();
        recorder.clear();

        client.watch(submitted.getRequestId()).blockLast(WAIT);
        awaitAllStopped();

        assertThat(registry).hasObservationWithNameEqualTo(JOB_OBSERVATION).that()
                .hasContextualNameEqualTo("text_to_speech " + SPEECH)
                .hasLowCardinalityKeyValue("gen_ai.request.model", SPEECH)
                .hasLowCardinalityKeyValue("asyncinvoke.family", "speech")
                .hasLowCardinalityKeyValue("asyncinvoke.call", "watch");
    }

    @Test
    void timersComeFromTheObservationsWithBoundedTags() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters))
                .observationHandler(recorder);
        AsyncInvokeAsyncClient measured = builder(new ObservationAsyncInvokeListener(observations)).buildAsyncClient();

        measured.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);
        awaitAllStopped();

        assertThat(meters.get(JOB_OBSERVATION).tag("asyncinvoke.outcome", "completed").tag("gen_ai.request.model", IMAGE)
                .timer().count()).isEqualTo(1);
        assertThat(meters.get(REQUEST_OBSERVATION).tag("asyncinvoke.operation", "submit").timer().count()).isEqualTo(1);
        assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags().toString())
                .doesNotContain("request_id"));
    }

    @Test
    void withoutARegistryNothingIsRecorded() {
        AsyncInvokeAsyncClient quiet = builder(new ObservationAsyncInvokeListener(ObservationRegistry.NOOP))
                .buildAsyncClient();

        Job job = quiet.invoke(InvokeRequests.image(IMAGE).prompt("x").build()).block(WAIT);

        assertThat(job.getStatus()).isEqualTo(io.asyncinvoke.model.JobState.COMPLETED);
        assertThat(recorder.started).isEmpty();
    }

    @Test
    void modelFamiliesAreGuessedFromIds() {
        assertThat(ModelFamily.guess(IMAGE)).isEqualTo(ModelFamily.IMAGE);
        assertThat(ModelFamily.guess("fal-ai/stable-audio-25/text-to-audio")).isEqualTo(ModelFamily.AUDIO);
        assertThat(ModelFamily.guess(SPEECH)).isEqualTo(ModelFamily.SPEECH);
        assertThat(ModelFamily.guess("fal-ai/kling-video/v2")).isEqualTo(ModelFamily.VIDEO);
        assertThat(ModelFamily.guess("acme/thing")).isEqualTo(ModelFamily.UNKNOWN);
        assertThat(ModelFamily.guess(null)).isEqualTo(ModelFamily.UNKNOWN);
    }
}
