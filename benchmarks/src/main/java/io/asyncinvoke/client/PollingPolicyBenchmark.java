package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.simulator.Durations;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * P3: requests per job and detection delay of polling policies, on a simulated clock.
 *
 * <p>The real {@link JobWatcher} (the code every watch runs) polls a fake {@link JobApi} whose
 * jobs follow a seeded timeline, under a {@link VirtualTimeScheduler}: hours of job time run in
 * well under a second, and the same seed gives the same jobs to every policy. It lives in the
 * client's package because the watcher and the API seam are package-private.
 *
 * <p>The mix: half image jobs (median 3 s, σ 0.6), half audio jobs (median 20 s, σ 0.6), log-normal
 * from created_at to completed_at (the first 10 % QUEUED), arriving as a Poisson stream of one every
 * 2 s on average, so that many overlap. Counted per job: the status polls plus the one read of the
 * whole job (the submit is the same for every policy and left out); the detection delay runs from
 * the server-side completion to the watch's terminal element.
 *
 * <p>{@code java -cp benchmarks.jar io.asyncinvoke.client.PollingPolicyBenchmark [jobs] [seeds]}
 */
public final class PollingPolicyBenchmark {

    static final String IMAGE = "fal-ai/flux/schnell";
    static final String AUDIO = "fal-ai/stable-audio-25/text-to-audio";
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(2026, 1, 22, 19, 0, 0, 0, ZoneOffset.UTC);

    /** The policies compared, by name. */
    static Map<String, PollingOptions> policies() {
        Map<String, PollingOptions> policies = new LinkedHashMap<>();
        policies.put("ours (default, adaptive)", PollingOptions.defaults());
        policies.put("fixed 500 ms", fixed(Duration.ofMillis(500)));
        policies.put("fixed 2 s", fixed(Duration.ofSeconds(2)));
        policies.put("ours, learning off", PollingOptions.defaults().withAdaptive(false));
        return policies;
    }

    static PollingOptions fixed(Duration every) {
        return PollingOptions.defaults().withFirstDelay(every).withInterval(every).withBackoffFactor(1).withJitter(0);
    }

    /** One policy's outcome over one job mix. */
    static final class Outcome {
        final double requestsPerJob;
        final double meanDelaySeconds;
        final double p50DelaySeconds;
        final double p95DelaySeconds;
        final double warmRequestsPerJob;
        final double warmMeanDelaySeconds;
        final int completed;

        Outcome(double requestsPerJob, double meanDelaySeconds, double p50DelaySeconds, double p95DelaySeconds,
                double warmRequestsPerJob, double warmMeanDelaySeconds, int completed) {
            this.requestsPerJob = requestsPerJob;
            this.meanDelaySeconds = meanDelaySeconds;
            this.p50DelaySeconds = p50DelaySeconds;
            this.p95DelaySeconds = p95DelaySeconds;
            this.warmRequestsPerJob = warmRequestsPerJob;
            this.warmMeanDelaySeconds = warmMeanDelaySeconds;
            this.completed = completed;
        }
    }

    /** A job of the mix: when it arrives and how long it takes, in nanoseconds of virtual time. */
    static final class SimJob {
        final String id;
        final String model;
        final long arrivalNanos;
        final long queuedNanos;
        final long totalNanos;
        int requests;
        long detectedNanos = -1;

        SimJob(String id, String model, long arrivalNanos, long totalNanos) {
            this.id = id;
            this.model = model;
            this.arrivalNanos = arrivalNanos;
            this.totalNanos = totalNanos;
            this.queuedNanos = totalNanos / 10;
        }

        long completionNanos() {
            return arrivalNanos + totalNanos;
        }
    }

    static List<SimJob> mix(int jobs, long seed) {
        Supplier<Duration> image = Durations.logNormal(Duration.ofSeconds(3), 0.6, seed * 31 + 1);
        Supplier<Duration> audio = Durations.logNormal(Duration.ofSeconds(20), 0.6, seed * 31 + 2);
        Random random = new Random(seed);
        List<SimJob> mix = new ArrayList<>(jobs);
        double arrival = 0;
        for (int i = 0; i < jobs; i++) {
            arrival += -Math.log(1 - random.nextDouble()) * 2.0;
            boolean isImage = random.nextBoolean();
            mix.add(new SimJob("job-" + i, isImage ? IMAGE : AUDIO, (long) (arrival * 1e9),
                    (isImage ? image : audio).get().toNanos()));
        }
        return mix;
    }

    /** Runs one policy over one mix with a fresh watcher (nothing learned yet) on a fresh virtual clock. */
    static Outcome run(PollingOptions options, List<SimJob> template, int warmAfter) {
        List<SimJob> jobs = new ArrayList<>(template.size());
        Map<String, SimJob> byId = new LinkedHashMap<>();
        for (SimJob t : template) {
            SimJob copy = new SimJob(t.id, t.model, t.arrivalNanos, t.totalNanos);
            jobs.add(copy);
            byId.put(copy.id, copy);
        }
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        VirtualTimeScheduler.set(clock);
        try {
            TimelineApi timeline = new TimelineApi(byId, clock);
            JobWatcher watcher = new JobWatcher(timeline, AsyncInvokeListener.NONE, new StatusEndpoint(timeline),
                    new JobDurations());
            long horizon = 0;
            for (SimJob job : jobs) {
                Job accepted = new Job().requestId(job.id).modelId(job.model).status(JobState.QUEUED)
                        .createdAt(EPOCH.plusNanos(job.arrivalNanos));
                ApiResponse<Job> submitted = new ApiResponse<>(accepted, "QUEUED", RateLimitInfo.NONE, null);
                Mono.delay(Duration.ofNanos(job.arrivalNanos))
                        .thenMany(watcher.watchSubmitted(submitted, options, new io.asyncinvoke.client.spi.JobCall(job.id, job.model, true)))
                        .filter(JobUpdate::isTerminal)
                        .subscribe(update -> job.detectedNanos = clock.now(TimeUnit.NANOSECONDS));
                horizon = Math.max(horizon, job.completionNanos());
            }
            clock.advanceTimeBy(Duration.ofNanos(horizon).plusMinutes(15));
        } finally {
            VirtualTimeScheduler.reset();
        }
        return summarise(jobs, warmAfter);
    }

    private static Outcome summarise(List<SimJob> jobs, int warmAfter) {
        double[] delays = new double[jobs.size()];
        long requests = 0;
        long warmRequests = 0;
        double warmDelay = 0;
        int completed = 0;
        int warm = 0;
        for (int i = 0; i < jobs.size(); i++) {
            SimJob job = jobs.get(i);
            if (job.detectedNanos < 0) {
                throw new IllegalStateException(job.id + " was never seen completing");
            }
            completed++;
            delays[i] = (job.detectedNanos - job.completionNanos()) / 1e9;
            requests += job.requests;
            if (i >= warmAfter) {
                warm++;
                warmRequests += job.requests;
                warmDelay += delays[i];
            }
        }
        double mean = Arrays.stream(delays).average().orElse(0);
        Arrays.sort(delays);
        return new Outcome(requests / (double) jobs.size(), mean, delays[delays.length / 2],
                delays[(int) (delays.length * 0.95)], warm == 0 ? 0 : warmRequests / (double) warm,
                warm == 0 ? 0 : warmDelay / warm, completed);
    }

    /** The service, as seen through the API seam: each job's state follows its timeline. */
    private static final class TimelineApi implements JobApi {
        private final Map<String, SimJob> jobs;
        private final VirtualTimeScheduler clock;

        TimelineApi(Map<String, SimJob> jobs, VirtualTimeScheduler clock) {
            this.jobs = jobs;
            this.clock = clock;
        }

        @Override
        public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
            return Mono.error(new UnsupportedOperationException("jobs arrive already submitted"));
        }

        @Override
        public Mono<ApiResponse<JobStatus>> status(String requestId) {
            return Mono.fromCallable(() -> {
                SimJob job = jobs.get(requestId);
                job.requests++;
                JobState state = state(job);
                return new ApiResponse<>(new JobStatus().requestId(requestId).status(state), state.getValue(),
                        RateLimitInfo.NONE, null);
            });
        }

        @Override
        public Mono<ApiResponse<Job>> job(String requestId) {
            return Mono.fromCallable(() -> {
                SimJob job = jobs.get(requestId);
                job.requests++;
                JobState state = state(job);
                Job body = new Job().requestId(requestId).modelId(job.model).status(state)
                        .createdAt(EPOCH.plusNanos(job.arrivalNanos));
                if (state != JobState.QUEUED) {
                    body.startedAt(EPOCH.plusNanos(job.arrivalNanos + job.queuedNanos));
                }
                if (state == JobState.COMPLETED) {
                    body.completedAt(EPOCH.plusNanos(job.completionNanos())).output(Map.of("seed", 1));
                }
                return new ApiResponse<>(body, state.getValue(), RateLimitInfo.NONE, null);
            });
        }

        private JobState state(SimJob job) {
            long age = clock.now(TimeUnit.NANOSECONDS) - job.arrivalNanos;
            return age < job.queuedNanos ? JobState.QUEUED
                    : age < job.totalNanos ? JobState.IN_PROGRESS : JobState.COMPLETED;
        }
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmAfter = Math.min(100, jobs / 10);
        Map<String, PollingOptions> policies = policies();
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int seed = 1; seed <= seeds; seed++) {
            List<SimJob> mix = mix(jobs, seed);
            for (Map.Entry<String, PollingOptions> policy : policies.entrySet()) {
                outcomes.computeIfAbsent(policy.getKey(), k -> new ArrayList<>()).add(run(policy.getValue(), mix, warmAfter));
            }
        }
        System.out.printf(Locale.ROOT, "P3 polling policies: %d jobs x %d seeds (half image 3 s, half audio 20 s, "
                + "log-normal sigma 0.6), simulated clock, %.1f s wall%n", jobs, seeds, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "%-26s %22s %22s %10s %10s %14s %16s%n", "policy", "requests/job med [min-max]",
                "mean delay s med [min-max]", "p50 s", "p95 s", "warm req/job", "warm delay s");
        for (Map.Entry<String, List<Outcome>> e : outcomes.entrySet()) {
            List<Outcome> runs = e.getValue();
            System.out.printf(Locale.ROOT, "%-26s %22s %22s %10.3f %10.3f %14.2f %16.3f%n", e.getKey(),
                    spread(runs, o -> o.requestsPerJob, "%.2f"), spread(runs, o -> o.meanDelaySeconds, "%.3f"),
                    median(runs, o -> o.p50DelaySeconds), median(runs, o -> o.p95DelaySeconds),
                    median(runs, o -> o.warmRequestsPerJob), median(runs, o -> o.warmMeanDelaySeconds));
        }
        List<Outcome> ours = outcomes.get("ours (default, adaptive)");
        double oursRequests = median(ours, o -> o.requestsPerJob);
        double oursDelay = median(ours, o -> o.meanDelaySeconds);
        double fixed500 = median(outcomes.get("fixed 500 ms"), o -> o.requestsPerJob);
        double fixed2s = median(outcomes.get("fixed 2 s"), o -> o.meanDelaySeconds);
        System.out.printf(Locale.ROOT, "requests/job ours / fixed 500 ms = %.2f / %.2f = %.3f (goal < 1)%n",
                oursRequests, fixed500, oursRequests / fixed500);
        System.out.printf(Locale.ROOT, "mean delay ours / fixed 2 s = %.3f s / %.3f s = %.3f (goal < 1)%n",
                oursDelay, fixed2s, oursDelay / fixed2s);
    }

    interface Metric {
        double of(Outcome outcome);
    }

    static double median(List<Outcome> runs, Metric metric) {
        double[] values = runs.stream().mapToDouble(metric::of).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String spread(List<Outcome> runs, Metric metric, String format) {
        double[] values = runs.stream().mapToDouble(metric::of).sorted().toArray();
        return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median(runs, metric), values[0],
                values[values.length - 1]);
    }
}
