package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.JobCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The learned schedule as watches run it, on virtual time: where the polls go, that watches
 * submitted together keep apart, and that it stays safe when durations shift, sit far in the tail
 * or are not log-normal at all.
 */
class AdaptiveScheduleTest {

    private static final String IMAGE = "fal-ai/flux/schnell";
    private static final double MAX = PollingOptions.defaults().maxInterval().toNanos() / 1e9;
    /** The largest gap the default jitter allows after the first poll. */
    private static final double MAX_GAP = MAX * (1 + PollingOptions.defaults().jitter() * PollSchedule.LATER_JITTER_SHARE);

    @BeforeAll
    static void neverHang() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(20));
    }

    /** Submits and watches {@code jobs} jobs one after another (each after the previous ended), learning as it goes. */
    private static List<TimelineJobApi.TimedJob> runSequentially(TimelineJobApi api, JobWatcher watcher, int jobs,
                                                                 PollingOptions options) {
        StepVerifier.withVirtualTime(() -> Flux.range(0, jobs)
                        .concatMap(i -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, options, new JobCall(null, null, true))))
                        .then())
                .thenAwait(Duration.ofHours(jobs))
                .verifyComplete();
        return api.jobs();
    }

    private static IntToDoubleFunction logNormal(double medianSeconds, double sigma, long seed) {
        Random random = new Random(seed);
        return n -> medianSeconds * Math.exp(sigma * random.nextGaussian());
    }

    private static double mean(List<TimelineJobApi.TimedJob> jobs, java.util.function.ToDoubleFunction<TimelineJobApi.TimedJob> f) {
        return jobs.stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void withoutJitterAWatchPollsExactlyWhereTheLearnedPollCountSteps() {
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> 9.0);
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);
        for (double s : new double[] {2, 3, 4.5, 3, 2.5, 1.8, 5}) {
            durations.learn(AdaptivePollingTest.completed(IMAGE, s));
        }
        PollSchedule.Spacing spacing = durations.estimate(IMAGE).spacing();

        TimelineJobApi.TimedJob job = runSequentially(api, watcher, 1, PollingOptions.defaults().withJitter(0)).get(0);

        List<Double> expected = new ArrayList<>();
        double t = spacing.ageAt(PollSchedule.FIRST_POLL_COUNT);
        while (true) {
            expected.add(t);
            if (t >= 9) {
                break;
            }
            double gap = Math.min(MAX, Math.max(PollSchedule.MIN_ADAPTIVE_SECONDS, spacing.ageAt(spacing.countAt(t) + 1) - t));
            t += gap;
        }
        assertThat(job.pollNanos).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(job.pollNanos.get(i) / 1e9).as("poll %d", i).isCloseTo(expected.get(i), within(1e-6));
        }
    }

    @Test
    void watchesSubmittedTogetherEachKeepTheirOwnPhase() {
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> 60.0);
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);
        for (int i = 0; i < 40; i++) {
            durations.learn(AdaptivePollingTest.completed(IMAGE, 3 * Math.exp(0.6 * Math.sin(i))));
        }
        int watches = 20;

        StepVerifier.withVirtualTime(() -> Flux.range(0, watches)
                        .flatMap(i -> api.submit(null).flatMapMany(s -> watcher.watchSubmitted(s, PollingOptions.defaults(), new JobCall(null, null, true))))
                        .then())
                .thenAwait(Duration.ofMinutes(2))
                .verifyComplete();

        List<TimelineJobApi.TimedJob> jobs = api.jobs();
        // The jitter is unseeded: over 300 runs the smallest spread of a later poll was 0.115 s
        // (median 0.22 s), so 0.08 s fails only when the phases really collapse.
        for (int k : new int[] {0, 4, 8}) {
            double[] at = jobs.stream().mapToDouble(j -> j.pollNanos.get(k) / 1e9).sorted().toArray();
            assertThat(at[at.length - 1] - at[0]).as("spread of poll %d across the watches", k).isGreaterThan(0.08);
            assertThat(java.util.Arrays.stream(at).map(x -> Math.round(x * 1000)).distinct().count())
                    .as("distinct instants of poll %d", k).isGreaterThan(watches / 2);
        }
    }

    @Test
    void aModelThatBecomesSlowerMidwayIsFollowedAndGapsStayBounded() {
        IntToDoubleFunction before = logNormal(3, 0.6, 11);
        IntToDoubleFunction after = logNormal(12, 0.6, 12);
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> n < 60 ? before.applyAsDouble(n) : after.applyAsDouble(n));
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        List<TimelineJobApi.TimedJob> jobs = runSequentially(api, watcher, 160, PollingOptions.defaults());

        assertThat(jobs.subList(JobDurations.MIN_SAMPLES, jobs.size())).allSatisfy(job -> {
            assertThat(job.terminalSeen).isTrue();
            List<Double> gaps = job.gapsSeconds();
            assertThat(gaps.get(0)).isLessThanOrEqualTo(PollSchedule.FIRST_POLL_MAX_INTERVALS * MAX * 1.0001);
            assertThat(gaps.subList(1, gaps.size())).allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(MAX_GAP));
        });
        assertThat(durations.estimate(IMAGE).median()).isCloseTo(12, within(2.0));
        List<TimelineJobApi.TimedJob> settled = jobs.subList(120, 160);
        assertThat(mean(settled, TimelineJobApi.TimedJob::delaySeconds)).as("mean delay once relearned").isLessThan(0.75);
        assertThat(mean(settled, j -> j.pollNanos.size())).as("polls once relearned").isLessThan(14);
    }

    @Test
    void aModelThatBecomesFasterMidwayIsSeenWithinTwoMaximumIntervalsAndRelearned() {
        IntToDoubleFunction before = logNormal(20, 0.6, 21);
        IntToDoubleFunction after = logNormal(3, 0.6, 22);
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> n < 60 ? before.applyAsDouble(n) : after.applyAsDouble(n));
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        List<TimelineJobApi.TimedJob> jobs = runSequentially(api, watcher, 160, PollingOptions.defaults());

        assertThat(jobs).allSatisfy(job -> assertThat(job.delaySeconds())
                .isLessThanOrEqualTo(PollSchedule.FIRST_POLL_MAX_INTERVALS * MAX));
        assertThat(durations.estimate(IMAGE).median()).isCloseTo(3, within(0.6));
        List<TimelineJobApi.TimedJob> settled = jobs.subList(120, 160);
        assertThat(mean(settled, TimelineJobApi.TimedJob::delaySeconds)).as("mean delay once relearned").isLessThan(0.45);
        assertThat(mean(settled, j -> j.pollNanos.size())).as("polls once relearned").isLessThan(9);
    }

    @Test
    void aJobFarInTheTailIsPolledEveryMaximumInterval() {
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> n < 30 ? 3 * Math.exp(0.6 * Math.sin(n)) : 300);
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        List<TimelineJobApi.TimedJob> jobs = runSequentially(api, watcher, 31, PollingOptions.defaults().withJitter(0));

        TimelineJobApi.TimedJob stuck = jobs.get(30);
        List<Double> gaps = stuck.gapsSeconds();
        assertThat(gaps).allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(MAX + 1e-6));
        assertThat(gaps.subList(gaps.size() - 20, gaps.size())).as("past the fit's trusted edge")
                .allSatisfy(gap -> assertThat(gap).isCloseTo(MAX, within(1e-6)));
        assertThat(stuck.delaySeconds()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void durationsThatAreNotLogNormalAreStillSeenPromptly() {
        // Two populations (1 s and 10 s jobs): the log-normal fit is wrong everywhere, the schedule only wasteful.
        Random random = new Random(5);
        TimelineJobApi api = new TimelineJobApi(IMAGE, n -> random.nextBoolean() ? 1 + 0.1 * random.nextDouble()
                : 10 + random.nextDouble());
        JobDurations durations = new JobDurations();
        JobWatcher watcher = new JobWatcher(api, AsyncInvokeListener.NONE, new StatusEndpoint(api), durations);

        List<TimelineJobApi.TimedJob> jobs = runSequentially(api, watcher, 120, PollingOptions.defaults());

        // the first three jobs, before anything is learned, follow the classic schedule and its full jitter
        assertThat(jobs).allSatisfy(job -> assertThat(job.delaySeconds()).isLessThanOrEqualTo(MAX * 1.2));
        assertThat(jobs.subList(JobDurations.MIN_SAMPLES, jobs.size())).allSatisfy(job -> {
            assertThat(job.delaySeconds()).isLessThanOrEqualTo(MAX_GAP);
            List<Double> gaps = job.gapsSeconds();
            assertThat(gaps.subList(1, gaps.size())).allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(MAX_GAP));
        });
        List<TimelineJobApi.TimedJob> learned = jobs.subList(20, 120);
        assertThat(mean(learned, TimelineJobApi.TimedJob::delaySeconds)).isLessThan(0.6);
        assertThat(mean(learned, j -> j.pollNanos.size())).as("fewer than polling every 500 ms").isLessThan(11);
    }
}
