package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The watch loop in virtual time: schedule, distinct emissions, server waits, timeout, cancel. */
class JobWatcherTest {

    private final JobDurations durations = new JobDurations();

    @BeforeAll
    static void neverHang() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(10));
    }

    /** Fixed one-second polls, no jitter: times are exact. */
    private static final PollingOptions FIXED = PollingOptions.defaults().withFirstDelay(Duration.ofMillis(500))
            .withInterval(Duration.ofSeconds(1)).withBackoffFactor(1.0).withJitter(0).withTimeout(Duration.ofMinutes(1));

    private Flux<JobUpdate> watch(FakeJobApi api, PollingOptions options) {
        return new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations).watch(FakeJobApi.ID, options);
    }

    @Test
    void emitsTheCurrentStatusFirstThenOnlyChangesAndCompletesAfterTheTerminalJob() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "QUEUED", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED");

        StepVerifier.withVirtualTime(() -> watch(api, FIXED))
                .assertNext(u -> {
                    assertThat(u.status()).isEqualTo("QUEUED");
                    assertThat(u.job()).isEmpty();
                    assertThat(u.isTerminal()).isFalse();
                })
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(u -> assertThat(u.state()).isEqualTo(JobState.IN_PROGRESS))
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(u -> {
                    assertThat(u.isCompleted()).isTrue();
                    assertThat(u.job()).hasValueSatisfying(job -> assertThat(job.getOutput()).containsKey("images"));
                })
                .verifyComplete();

        assertThat(api.polls).hasValue(6);
        assertThat(api.statusCalls).as("the light status call is not used by default").hasValue(0);
        assertThat(api.jobCalls).as("the poll that sees the end is the result: no extra read").hasValue(6);
    }

    @Test
    void withTheStatusEndpointItPollsTheStatusAndReadsTheJobOnceAtTheEnd() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED");

        StepVerifier.withVirtualTime(() -> watch(api, FIXED.withEndpoint(PollingEndpoint.STATUS)))
                .expectNextMatches(u -> u.status().equals("QUEUED") && u.job().isEmpty())
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(u -> u.status().equals("IN_PROGRESS"))
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(u -> assertThat(u.job()).hasValueSatisfying(job -> assertThat(job.getOutput()).isNotNull()))
                .verifyComplete();

        assertThat(api.statusCalls).hasValue(4);
        assertThat(api.jobCalls).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405, 501})
    void aServiceWithoutTheStatusCallIsPolledByIdForTheRestOfTheClientsLife(int status) {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS", "COMPLETED");
        api.statusFailure = status == 404
                ? new NotFoundException("no such route", FakeJobApi.ID, 404, "not_found", null, null, RateLimitInfo.NONE, null)
                : new ApiException("no such route", FakeJobApi.ID, status, null, null, null, RateLimitInfo.NONE, null);
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);
        PollingOptions viaStatus = FIXED.withEndpoint(PollingEndpoint.STATUS);

        StepVerifier.withVirtualTime(() -> watcher.watch(FakeJobApi.ID, viaStatus))
                .expectNextMatches(u -> u.status().equals("QUEUED"))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(u -> u.status().equals("IN_PROGRESS"))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();
        assertThat(api.statusCalls).as("asked once, then never again").hasValue(1);
        assertThat(api.jobCalls).hasValue(3);

        StepVerifier.withVirtualTime(() -> watcher.watch(FakeJobApi.ID, viaStatus))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();
        assertThat(api.statusCalls).as("a later watch of the same client").hasValue(1);
    }

    @Test
    void aStatus404ForAJobThatGetByIdDoesNotKnowEndsWithTheJobsOwnNotFound() {
        NotFoundException routeMissing = new NotFoundException("no route", FakeJobApi.ID, 404, "not_found", null, null,
                RateLimitInfo.NONE, null);
        NotFoundException unknownJob = new NotFoundException("unknown job", FakeJobApi.ID, 404, "not_found", null, null,
                RateLimitInfo.NONE, null);
        FakeJobApi api = new FakeJobApi().script(unknownJob);
        api.statusFailure = routeMissing;
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        StepVerifier.withVirtualTime(() -> watcher.watch(FakeJobApi.ID, FIXED.withEndpoint(PollingEndpoint.STATUS)))
                .expectErrorMatches(error -> error == unknownJob)
                .verify();

        api.script("COMPLETED");
        StepVerifier.withVirtualTime(() -> watcher.watch(FakeJobApi.ID, FIXED.withEndpoint(PollingEndpoint.STATUS)))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(api.statusCalls).as("an unknown job proves nothing about the route: it is asked again").hasValue(2);
    }

    @Test
    void aServerErrorOnTheStatusCallIsAnErrorNotAReasonToSwitch() {
        ApiException broken = new ApiException("boom", FakeJobApi.ID, 500, "server_error", null, null,
                RateLimitInfo.NONE, null);
        FakeJobApi api = new FakeJobApi().script("QUEUED");
        api.statusFailure = broken;

        StepVerifier.withVirtualTime(() -> watch(api, FIXED.withEndpoint(PollingEndpoint.STATUS)))
                .expectErrorMatches(error -> error == broken)
                .verify();
        assertThat(api.jobCalls).hasValue(0);
    }

    @Test
    void pollsImmediatelyThenAtTheIntervalGrowingByTheFactorUpToTheMaximum() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED", "COMPLETED");
        PollingOptions growing = FIXED.withBackoffFactor(2.0).withMaxInterval(Duration.ofSeconds(5));

        StepVerifier.withVirtualTime(() -> watch(api, growing).then())
                .thenAwait(Duration.ofMinutes(1))
                .verifyComplete();

        // delays 1, 2, 4, 5 (capped), 5, 5
        assertThat(api.pollMillis).containsExactly(0L, 1000L, 3000L, 7000L, 12000L, 17000L, 22000L);
    }

    @Test
    void afterASubmitTheFirstPollWaitsTheFirstDelay() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS", "COMPLETED");
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        StepVerifier.withVirtualTime(() -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, FIXED, new JobCall(null, null, true))))
                .assertNext(u -> {
                    assertThat(u.status()).isEqualTo("QUEUED");
                    assertThat(u.job()).as("the submit's answer is attached").isPresent();
                })
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(u -> assertThat(u.status()).isEqualTo("IN_PROGRESS"))
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();

        assertThat(api.pollMillis).containsExactly(500L, 1500L, 2500L);
    }

    @Test
    void jitterKeepsEveryDelayWithinItsBounds() {
        FakeJobApi api = new FakeJobApi().script("QUEUED");
        PollingOptions jittered = FIXED.withJitter(0.3);

        StepVerifier.withVirtualTime(() -> watch(api, jittered))
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(55))
                .thenCancel()
                .verify();

        List<Long> times = api.pollMillis;
        assertThat(times).hasSizeGreaterThan(40);
        boolean varied = false;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            assertThat(gap).isBetween(700L, 1300L);
            varied |= gap != 1000L;
        }
        assertThat(varied).as("jitter actually spreads the delays").isTrue();
    }

    @Test
    void retryAfterOnAnAnswerPushesTheNextPollLater() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS", "COMPLETED")
                .rateLimits(new RateLimitInfo(250, 10, null, Duration.ofSeconds(7)));

        StepVerifier.withVirtualTime(() -> watch(api, FIXED).then())
                .thenAwait(Duration.ofSeconds(30))
                .verifyComplete();

        assertThat(api.pollMillis).containsExactly(0L, 7000L, 8000L);
    }

    @Test
    void noRequestLeftWaitsUntilTheRateLimitReset() {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
        FakeJobApi api = new FakeJobApi().script("QUEUED", "COMPLETED")
                .rateLimits(new RateLimitInfo(250, 0, Instant.ofEpochMilli(12_000), null));

        StepVerifier.withVirtualTime(() -> watch(api, FIXED).then(), () -> scheduler, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(30))
                .verifyComplete();

        assertThat(api.pollMillis).containsExactly(0L, 12000L);
    }

    @Test
    void remainingRequestsDoNotSlowTheSchedule() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "COMPLETED")
                .rateLimits(new RateLimitInfo(250, 100, Instant.ofEpochMilli(60_000), null));

        StepVerifier.withVirtualTime(() -> watch(api, FIXED).then())
                .thenAwait(Duration.ofSeconds(5))
                .verifyComplete();

        assertThat(api.pollMillis).containsExactly(0L, 1000L);
    }

    @Test
    void overallTimeoutEndsWithATypedErrorNamingTheJobAndItsLastStatus() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS");
        PollingOptions short10s = FIXED.withTimeout(Duration.ofSeconds(10));

        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
        StepVerifier.withVirtualTime(() -> watch(api, short10s), () -> scheduler, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(9))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(AsyncInvokeTimeoutException.class);
                    AsyncInvokeTimeoutException timeout = (AsyncInvokeTimeoutException) error;
                    assertThat(timeout.requestId()).contains(FakeJobApi.ID);
                    assertThat(timeout.lastStatus().orElse(null)).isEqualTo("IN_PROGRESS");
                    assertThat(timeout.lastState().orElse(null)).isEqualTo(JobState.IN_PROGRESS);
                    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(timeout).hasMessageContaining(FakeJobApi.ID).hasMessageContaining("IN_PROGRESS");
                })
                .verify();

        int callsAtTimeout = api.polls.get();
        scheduler.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(api.polls).as("no poll after the timeout").hasValue(callsAtTimeout);
    }

    @Test
    void cancellingStopsPollingAtOnce() {
        FakeJobApi api = new FakeJobApi().script("QUEUED");
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

        StepVerifier.withVirtualTime(() -> watch(api, FIXED), () -> scheduler, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(3500))
                .thenCancel()
                .verify();

        assertThat(api.polls).hasValue(4);
        scheduler.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(api.polls).as("no request after cancel").hasValue(4);
    }

    @Test
    void cancellingDuringAPollStopsThatPollAndSchedulesNoOther() {
        FakeJobApi api = new FakeJobApi().script("QUEUED");
        api.pollLatency = Duration.ofSeconds(2);
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

        StepVerifier.withVirtualTime(() -> watch(api, FIXED), () -> scheduler, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(1500))
                .thenCancel()
                .verify();

        assertThat(api.polls).hasValue(2);
        assertThat(api.inFlight).as("the in-flight poll was cancelled").hasValue(0);
        scheduler.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(api.polls).hasValue(2);
    }

    @Test
    void pollsNeverOverlapEvenWhenAnswersAreSlowerThanTheInterval() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "QUEUED", "QUEUED", "IN_PROGRESS", "COMPLETED");
        api.pollLatency = Duration.ofSeconds(3);

        StepVerifier.withVirtualTime(() -> watch(api, FIXED.withInterval(Duration.ofMillis(100))).then())
                .thenAwait(Duration.ofMinutes(1))
                .verifyComplete();

        assertThat(api.maxInFlight).isEqualTo(1);
        assertThat(api.pollMillis).containsExactly(0L, 3100L, 6200L, 9300L, 12400L);
    }

    @Test
    void anUnknownStatusIsReportedAsIsAndIsNotTerminal() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "CANCELLING", "CANCELLING", "COMPLETED");

        StepVerifier.withVirtualTime(() -> watch(api, FIXED))
                .expectNextMatches(u -> u.status().equals("QUEUED"))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(u -> {
                    assertThat(u.status()).isEqualTo("CANCELLING");
                    assertThat(u.state()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
                    assertThat(u.isTerminal()).isFalse();
                })
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();
    }

    @Test
    void aTerminalStatusWhoseJobStillLagsKeepsPolling() {
        FakeJobApi api = new FakeJobApi().script("IN_PROGRESS", "COMPLETED", "COMPLETED");
        api.jobStatusOverride = "IN_PROGRESS";

        StepVerifier.withVirtualTime(() -> watch(api, FIXED.withEndpoint(PollingEndpoint.STATUS)))
                .expectNextMatches(u -> u.status().equals("IN_PROGRESS"))
                .thenAwait(Duration.ofSeconds(1))
                .then(() -> api.jobStatusOverride = null)
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();

        assertThat(api.jobCalls).hasValue(2);
    }

    @Test
    void aFailedJobIsATerminalElementCarryingTheError() {
        FakeJobApi api = new FakeJobApi().script("IN_PROGRESS", "FAILED");

        StepVerifier.withVirtualTime(() -> watch(api, FIXED))
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(u -> {
                    assertThat(u.isFailed()).isTrue();
                    assertThat(u.job()).hasValueSatisfying(job ->
                            assertThat(job.getError()).isEqualTo("prompt rejected by the safety checker"));
                })
                .verifyComplete();
    }

    @Test
    void anAlreadyFinishedJobEmitsOneTerminalElement() {
        FakeJobApi api = new FakeJobApi().script("COMPLETED");

        StepVerifier.withVirtualTime(() -> watch(api, FIXED))
                .assertNext(u -> assertThat(u.job()).isPresent())
                .verifyComplete();

        assertThat(api.polls).hasValue(1);
    }

    @Test
    void aSynchronouslyCompletedSubmitNeedsNoPoll() {
        FakeJobApi api = new FakeJobApi();
        api.submitStatus = "COMPLETED";
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        StepVerifier.withVirtualTime(() -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, FIXED, new JobCall(null, null, true))))
                .assertNext(u -> assertThat(u.isCompleted()).isTrue())
                .verifyComplete();

        assertThat(api.polls).hasValue(0);
    }

    @Test
    void aPollErrorEndsTheWatchWithThatError() {
        NotFoundException gone = new NotFoundException("gone", FakeJobApi.ID, 404, "not_found", "gone", null,
                RateLimitInfo.NONE, null);
        FakeJobApi api = new FakeJobApi().script("QUEUED", gone);

        StepVerifier.withVirtualTime(() -> watch(api, FIXED))
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorMatches(error -> error == gone)
                .verify();
    }

    @Test
    void nothingIsSentBeforeSubscription() {
        FakeJobApi api = new FakeJobApi().script("QUEUED");

        Flux<JobUpdate> updates = watch(api, FIXED);

        assertThat(updates).isNotNull();
        assertThat(api.polls).hasValue(0);
    }

    @Test
    void eachSubscriptionIsAnIndependentWatch() {
        FakeJobApi api = new FakeJobApi().script("COMPLETED");
        Flux<JobUpdate> updates = watch(api, FIXED);

        StepVerifier.create(updates).expectNextCount(1).verifyComplete();
        StepVerifier.create(updates).expectNextCount(1).verifyComplete();

        assertThat(api.polls).hasValue(2);
    }
}
