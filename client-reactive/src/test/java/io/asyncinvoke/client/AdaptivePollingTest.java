package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The default schedule learns each model's durations and polls where completions are likely. */
class AdaptivePollingTest {

    private final JobDurations durations = new JobDurations();

    private static final String IMAGE = "fal-ai/flux/schnell";
    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-01-22T19:19:19Z");

    @BeforeAll
    static void neverHang() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(10));
    }

    static Job completed(String model, double seconds) {
        return new Job().requestId("r").modelId(model).status(JobState.COMPLETED).createdAt(T0)
                .completedAt(T0.plusNanos((long) (seconds * 1e9)));
    }

    private static JobDurations.Estimate learned(JobDurations durations, String model, double... seconds) {
        for (double s : seconds) {
            durations.learn(completed(model, s));
        }
        return durations.estimate(model);
    }

    @Test
    void aModelIsEstimatedAfterThreeCompletedJobsFromCreatedToCompleted() {
        JobDurations durations = new JobDurations();

        assertThat(learned(durations, IMAGE, 2, 4.5)).isNull();
        JobDurations.Estimate estimate = learned(durations, IMAGE, 3);

        assertThat(estimate).isNotNull();
        assertThat(estimate.median()).isCloseTo(3.0, within(0.01)); // geometric mean of 2, 4.5, 3
        assertThat(estimate.samples).isEqualTo(3);
        double m = Math.log(3.0);
        double unbiased = Math.sqrt((Math.pow(Math.log(2) - m, 2) + Math.pow(Math.log(4.5) - m, 2)) / 2);
        assertThat(estimate.sigma).as("the sample spread, n - 1").isCloseTo(unbiased, within(1e-9));
        assertThat(durations.estimate("other/model")).isNull();
        assertThat(durations.estimate(null)).isNull();
    }

    @Test
    void failedJobsAndJobsWithoutTimestampsTeachNothing() {
        JobDurations durations = new JobDurations();
        for (int i = 0; i < 5; i++) {
            durations.learn(completed(IMAGE, 3).status(JobState.FAILED));
            durations.learn(completed(IMAGE, 3).completedAt(null));
            durations.learn(completed(IMAGE, 3).createdAt(null));
            durations.learn(completed(null, 3));
            durations.learn(completed(IMAGE, -1));
        }
        durations.learn(null);

        assertThat(durations.estimate(IMAGE)).isNull();
    }

    @Test
    void theFitFollowsAModelThatSlowsDown() {
        JobDurations durations = new JobDurations();
        for (int i = 0; i < 20; i++) {
            durations.learn(completed(IMAGE, 2));
        }
        for (int i = 0; i < 60; i++) {
            durations.learn(completed(IMAGE, 8));
        }

        assertThat(durations.estimate(IMAGE).median()).isCloseTo(8, within(0.5));
    }

    @Test
    void aSteadyModelGetsAPreciseEstimate() {
        JobDurations durations = new JobDurations();
        Random random = new Random(7);
        double squaredError = 0;
        double worstSigma = 0;
        int measured = 0;
        for (int i = 0; i < 3000; i++) {
            durations.learn(completed(IMAGE, 3 * Math.exp(0.6 * random.nextGaussian())));
            if (i >= 1000) {
                JobDurations.Estimate e = durations.estimate(IMAGE);
                squaredError += Math.pow(e.mu - Math.log(3), 2);
                worstSigma = Math.max(worstSigma, Math.abs(e.sigma - 0.6));
                measured++;
            }
        }

        // about the last 100 jobs: the mean of ln(duration) within 0.6 / sqrt(100); a 20-job memory gives 0.1
        assertThat(Math.sqrt(squaredError / measured)).isLessThan(0.08);
        assertThat(worstSigma).isLessThan(0.15);
    }

    @Test
    void aChangeOfSpeedIsNoticedWithinAFewJobs() {
        JobDurations durations = new JobDurations();
        Random random = new Random(8);
        for (int i = 0; i < 300; i++) {
            durations.learn(completed(IMAGE, 3 * Math.exp(0.6 * random.nextGaussian())));
        }
        for (int i = 0; i < 15; i++) {
            durations.learn(completed(IMAGE, 10 * Math.exp(0.6 * random.nextGaussian())));
        }

        // a 100-job memory alone would still say about 4 s
        assertThat(durations.estimate(IMAGE).median()).isBetween(7.0, 13.0);
    }

    @Test
    void theCompletionRateRisesTowardsTheTypicalDurationAndErfcIsAccurate() {
        JobDurations.Estimate estimate = new JobDurations.Estimate(Math.log(3), 0.6, 10);

        assertThat(estimate.hazard(0)).isZero();
        assertThat(estimate.hazard(0.5)).isLessThan(estimate.hazard(2)).isLessThan(estimate.hazard(4));
        assertThat(estimate.hazard(3000)).as("far tail, no NaN").isPositive().isFinite();
        assertThat(JobDurations.erfc(0)).isCloseTo(1, within(1e-7));
        assertThat(JobDurations.erfc(1)).isCloseTo(0.157299207, within(1e-7));
        assertThat(JobDurations.erfc(-1)).isCloseTo(1.842700793, within(1e-7));
    }

    @Test
    void delaysAreLongWhileACompletionIsUnlikelyShortAroundTheMedianAndCapped() {
        JobDurations.Estimate image = new JobDurations.Estimate(Math.log(3), 0.6, 10);
        JobDurations.Estimate audio = new JobDurations.Estimate(Math.log(20), 0.6, 10);
        double first = PollSchedule.FIRST_POLL_COUNT;

        // The exact optimum (benchmarks' PollingOracle, λ = 0.05 s) polls image jobs first at 1.59 s,
        // then 0.56, 0.49, 0.47 s apart; audio jobs first at 7.18 s, then about 1.2 s apart near 20 s.
        assertThat(PollSchedule.adaptiveSeconds(image, 0, first, 10)).isBetween(1.45, 1.75);
        assertThat(PollSchedule.adaptiveSeconds(image, 3, 1, 5)).isBetween(0.40, 0.52);
        assertThat(PollSchedule.adaptiveSeconds(audio, 0, first, 10)).as("beyond one maximum interval")
                .isBetween(6.5, 8.0);
        assertThat(PollSchedule.adaptiveSeconds(audio, 0, first, 5)).isEqualTo(5);
        assertThat(PollSchedule.adaptiveSeconds(audio, 20, 1, 5)).isBetween(1.0, 1.4);
        assertThat(PollSchedule.adaptiveSeconds(image, 300, 1, 5)).as("a stuck job").isEqualTo(5);
        assertThat(PollSchedule.adaptiveSeconds(image, 3, 1, 0.1)).isEqualTo(0.1);
        assertThat(PollSchedule.adaptiveSeconds(image, 20, 1, 5)).as("the floor is never crossed")
                .isGreaterThanOrEqualTo(PollSchedule.MIN_ADAPTIVE_SECONDS);
    }

    @Test
    void thePollCountGrowsWithAgeAndItsInverseGivesTheAgeBack() {
        for (double sigma : new double[] {0.15, 0.6, 2.0}) {
            PollSchedule.Spacing spacing = new JobDurations.Estimate(Math.log(7), sigma, 10).spacing();
            assertThat(spacing.countAt(0)).isZero();
            double previous = 0;
            for (double t = 0.05; t < 5000; t *= 1.3) {
                double count = spacing.countAt(t);
                assertThat(count).as("N(%s), sigma %s", t, sigma).isGreaterThanOrEqualTo(previous).isFinite();
                if (count > 1e-6) {
                    assertThat(spacing.ageAt(count)).as("age at N(%s), sigma %s", t, sigma).isCloseTo(t, within(1e-6 * t));
                }
                previous = count;
            }
        }
        PollSchedule.Spacing spacing = new JobDurations.Estimate(Math.log(3), 0.6, 10).spacing();
        assertThat(spacing.countAt(1e6)).as("far past the trusted edge, still growing").isGreaterThan(spacing.countAt(1e3));
        assertThat(spacing.ageAt(1e9)).isInfinite();
    }

    @Test
    void anEstimateBuildsItsSpacingOnceAndShareIt() {
        JobDurations.Estimate estimate = new JobDurations.Estimate(Math.log(3), 0.6, 10);

        assertThat(estimate.spacing()).isSameAs(estimate.spacing());
    }

    @Test
    void aWatchAfterASubmitPollsWhereThisModelUsuallyCompletes() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS",
                "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED");
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);
        learned(durations, IMAGE, 2, 3, 4.5, 3, 2.5);
        PollingOptions options = PollingOptions.defaults().withJitter(0);

        StepVerifier.withVirtualTime(() -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, options, new JobCall(null, null, true))).then())
                .thenAwait(Duration.ofMinutes(1))
                .verifyComplete();

        List<Long> at = api.pollMillis;
        // a tight fit (median 2.9 s, spread 0.27): completions are unlikely before 2 s
        assertThat(at.get(0)).as("the first poll waits until completions become likely").isBetween(1800L, 2600L);
        for (int i = 2; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("around the median").isBetween(250L, 1000L);
        }
    }

    @Test
    void anExplicitScheduleIsFollowedEvenForALearnedModel() {
        FakeJobApi api = new FakeJobApi().script("QUEUED", "QUEUED", "COMPLETED");
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);
        learned(durations, IMAGE, 20, 30, 40);
        PollingOptions fixed = PollingOptions.defaults().withInterval(Duration.ofMillis(500)).withBackoffFactor(1)
                .withJitter(0);

        StepVerifier.withVirtualTime(() -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, fixed, new JobCall(null, null, true))).then())
                .thenAwait(Duration.ofMinutes(1))
                .verifyComplete();

        assertThat(api.pollMillis).containsExactly(500L, 1000L, 1500L);
    }

    @Test
    void aWatchLearnsFromTheJobsItSeesComplete() {
        JobApi api = new JobApi() {
            @Override
            public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
                return Mono.empty();
            }

            @Override
            public Mono<ApiResponse<JobStatus>> status(String requestId) {
                return Mono.just(new ApiResponse<>(new JobStatus().requestId(requestId).status(JobState.COMPLETED),
                        "COMPLETED", RateLimitInfo.NONE, null));
            }

            @Override
            public Mono<ApiResponse<Job>> job(String requestId) {
                return Mono.just(new ApiResponse<>(completed(IMAGE, 4), "COMPLETED", RateLimitInfo.NONE, null));
            }
        };
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(watcher.watch("r" + i, PollingOptions.defaults())).expectNextCount(1).verifyComplete();
        }

        assertThat(durations.estimate(IMAGE)).isNotNull();
        assertThat(durations.estimate(IMAGE).median()).isCloseTo(4, within(0.01));
    }

    @Test
    void theDefaultsAreAdaptiveAndSettingTheScheduleMakesItFixed() {
        PollingOptions defaults = PollingOptions.defaults();

        assertThat(defaults.isAdaptive()).isTrue();
        assertThat(defaults.withTimeout(Duration.ofMinutes(1)).withJitter(0.1).isAdaptive()).isTrue();
        assertThat(defaults.withInterval(Duration.ofSeconds(2)).isAdaptive()).isFalse();
        assertThat(defaults.withFirstDelay(Duration.ZERO).isAdaptive()).isFalse();
        assertThat(defaults.withBackoffFactor(1).isAdaptive()).isFalse();
        assertThat(defaults.withMaxInterval(Duration.ofSeconds(9)).isAdaptive()).isFalse();
        assertThat(defaults.withMaxInterval(Duration.ofSeconds(9)).withAdaptive(true).isAdaptive()).isTrue();
        assertThat(defaults.withAdaptive(false).isAdaptive()).isFalse();
        assertThat(defaults.toString()).contains("adaptive=true");
    }
}
