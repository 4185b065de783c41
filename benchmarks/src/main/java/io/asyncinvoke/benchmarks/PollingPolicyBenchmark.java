package io.asyncinvoke.benchmarks;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.spi.JobTransport;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.asyncinvoke.model.Tag;
import io.asyncinvoke.simulator.Durations;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * <p>The public client, as an application builds it, watches jobs through a fake
 * {@link JobTransport} (the client's published seam for simulations) whose jobs follow a seeded
 * timeline, under a {@link VirtualTimeScheduler}: hours of job time run in seconds, and the same
 * seed gives the same jobs to every policy. Each policy run gets a fresh client, so nothing is
 * learned across runs; each job arrives as {@code Mono.delay(arrival).thenMany(client.submitAndWatch(request))},
 * and the transport's {@code submit} starts that job's timeline at that virtual instant.
 *
 * <p>The mix: half image jobs (median 3 s, σ 0.6), half audio jobs (median 20 s, σ 0.6), log-normal
 * from created_at to completed_at (the first 10 % QUEUED), arriving as a Poisson stream of one every
 * 2 s on average, so that many overlap. Counted per job: the polls, up to the one that sees the job
 * terminal (the watch polls the whole job, so that answer is the result and polls are the requests
 * per job); every request after the submit is also counted apart, as a check that none follows.
 * The submit is the same for every policy and left out. The detection delay runs from the
 * server-side completion to the watch's terminal element.
 *
 * <p>The oracle ({@link PollingOracle}) knows each model's true distribution and polls at the
 * optimal fixed times for a λ; a sweep of λ gives its frontier, counted on the same jobs, and the
 * default is compared with it at equal mean delay.
 *
 * <p>{@code java -cp benchmarks.jar io.asyncinvoke.benchmarks.PollingPolicyBenchmark [jobs] [seeds]}
 */
public final class PollingPolicyBenchmark {

    static final String IMAGE = "fal-ai/flux/schnell";
    static final String AUDIO = "fal-ai/stable-audio-25/text-to-audio";
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(2026, 1, 22, 19, 0, 0, 0, ZoneOffset.UTC);
    /** The tag that tells the fake transport which job of the mix a submit is. */
    static final String JOB_TAG = "benchmark-job";
    /**
     * λ, seconds of detection delay one request is worth, that the client's adaptive schedule is
     * built for (50 ms, as the {@link PollingOptions} Javadoc says; {@code PollSchedule.REQUEST_COST_SECONDS}).
     */
    static final double REQUEST_COST_SECONDS = 0.05;
    /** How many maximum intervals the adaptive first poll after a submit may wait (the {@link PollingOptions} Javadoc). */
    static final double FIRST_POLL_MAX_INTERVALS = 2;

    /** The policies compared, by name. */
    static Map<String, PollingOptions> policies() {
        Map<String, PollingOptions> policies = new LinkedHashMap<>();
        policies.put(DEFAULT, PollingOptions.defaults());
        policies.put("fixed 500 ms", fixed(Duration.ofMillis(500)));
        policies.put("fixed 2 s", fixed(Duration.ofSeconds(2)));
        policies.put("ours, learning off", PollingOptions.defaults().withAdaptive(false));
        policies.put("ours, adaptive, jitter 0", PollingOptions.defaults().withJitter(0));
        return policies;
    }

    static PollingOptions fixed(Duration every) {
        return PollingOptions.defaults().withFirstDelay(every).withInterval(every).withBackoffFactor(1).withJitter(0);
    }

    /** One policy's outcome over one job mix, per job in arrival order. */
    static final class Outcome {
        final int[] polls;
        final double[] delaySeconds;
        /** Every request after the submit, polls and anything after the terminal one (NaN for the oracle). */
        final double requestsPerJob;
        final int completed;

        Outcome(int[] polls, double[] delaySeconds, double requestsPerJob) {
            this.polls = polls;
            this.delaySeconds = delaySeconds;
            this.requestsPerJob = requestsPerJob;
            this.completed = polls.length;
        }

        double pollsPerJob(int from, int to) {
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += polls[i];
            }
            return sum / (double) (to - from);
        }

        double meanDelay(int from, int to) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += delaySeconds[i];
            }
            return sum / (to - from);
        }

        double pollsPerJob() {
            return pollsPerJob(0, polls.length);
        }

        double meanDelay() {
            return meanDelay(0, polls.length);
        }

        double delayPercentile(double p) {
            double[] sorted = delaySeconds.clone();
            Arrays.sort(sorted);
            return sorted[(int) (sorted.length * p)];
        }
    }

    /** A job of the mix: when it arrives and how long it takes, in nanoseconds of virtual time. */
    static final class SimJob {
        final String id;
        final String model;
        final long arrivalNanos;
        final long queuedNanos;
        final long totalNanos;
        /** When the transport accepted its submit (virtual time), or -1: its timeline starts there. */
        long submittedNanos = -1;
        /** Every request the watch made for this job after its submit (polls and anything after them). */
        int requests;
        /**
         * Polls: requests made while the job was not yet known terminal, the one that saw it terminal
         * included. Any request after that one is not a poll; the watch makes none (its terminal poll
         * reads the whole job), which {@link #requests} checks.
         */
        int polls;
        boolean terminalSeen;
        long detectedNanos = -1;
        /** What the watch failed with, if it did. */
        Throwable error;

        SimJob(String id, String model, long arrivalNanos, long totalNanos) {
            this.id = id;
            this.model = model;
            this.arrivalNanos = arrivalNanos;
            this.totalNanos = totalNanos;
            this.queuedNanos = totalNanos / 10;
        }

        long completionNanos() {
            return submittedNanos + totalNanos;
        }

        JobState stateAt(long nowNanos) {
            long age = nowNanos - submittedNanos;
            return age < queuedNanos ? JobState.QUEUED : age < totalNanos ? JobState.IN_PROGRESS : JobState.COMPLETED;
        }

        void answered(JobState state) {
            requests++;
            if (!terminalSeen) {
                polls++;
                terminalSeen = state == JobState.COMPLETED || state == JobState.FAILED;
            }
        }

        /** What an application would submit for this job; the tag names it for the fake transport. */
        AsyncInvokeRequest request() {
            return (model.equals(IMAGE) ? InvokeRequests.image(model).prompt("a lighthouse at dusk")
                    : InvokeRequests.audio(model).prompt("rain on a tin roof")).tag(JOB_TAG, id).build();
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

    /**
     * Runs one policy over one mix with a fresh client (nothing learned yet) on a fresh virtual
     * clock: each job is submitted at its arrival and watched through the public client.
     */
    static Outcome run(PollingOptions options, List<SimJob> template) {
        List<SimJob> jobs = new ArrayList<>(template.size());
        Map<String, SimJob> byId = new HashMap<>();
        for (SimJob t : template) {
            SimJob copy = new SimJob(t.id, t.model, t.arrivalNanos, t.totalNanos);
            jobs.add(copy);
            byId.put(copy.id, copy);
        }
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        VirtualTimeScheduler.set(clock);
        try {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().transport(new Timeline(byId, clock))
                    .pollingOptions(options).buildAsyncClient();
            long horizon = 0;
            for (SimJob job : jobs) {
                AsyncInvokeRequest request = job.request();
                Mono.delay(Duration.ofNanos(job.arrivalNanos))
                        .thenMany(client.submitAndWatch(request))
                        .filter(JobUpdate::isTerminal)
                        .subscribe(update -> job.detectedNanos = clock.now(TimeUnit.NANOSECONDS),
                                error -> job.error = error);
                horizon = Math.max(horizon, job.arrivalNanos + job.totalNanos);
            }
            clock.advanceTimeBy(Duration.ofNanos(horizon).plusMinutes(15));
        } finally {
            VirtualTimeScheduler.reset();
        }
        return summarise(jobs);
    }

    private static Outcome summarise(List<SimJob> jobs) {
        int[] polls = new int[jobs.size()];
        double[] delays = new double[jobs.size()];
        long requests = 0;
        for (int i = 0; i < jobs.size(); i++) {
            SimJob job = jobs.get(i);
            if (job.detectedNanos < 0) {
                throw new IllegalStateException(job.id + " was never seen completing", job.error);
            }
            polls[i] = job.polls;
            delays[i] = (job.detectedNanos - job.completionNanos()) / 1e9;
            requests += job.requests;
        }
        return new Outcome(polls, delays, requests / (double) jobs.size());
    }

    /** The true duration distribution of each model of the mix: what {@link #mix} draws from. */
    static Map<String, PollingOracle.Distribution> truth() {
        Map<String, PollingOracle.Distribution> truth = new LinkedHashMap<>();
        truth.put(IMAGE, new PollingOracle.LogNormal(3, 0.6));
        truth.put(AUDIO, new PollingOracle.LogNormal(20, 0.6));
        return truth;
    }

    static String[] models(List<SimJob> mix) {
        return mix.stream().map(j -> j.model).toArray(String[]::new);
    }

    static double[] durations(List<SimJob> mix) {
        return mix.stream().mapToDouble(j -> j.totalNanos / 1e9).toArray();
    }

    /** The oracle's schedules on the mix's jobs, counted exactly (as a watch following them would poll). */
    static Outcome oracle(Map<String, PollingOracle.Schedule> schedules, List<SimJob> mix) {
        int[] polls = new int[mix.size()];
        double[] delays = new double[mix.size()];
        for (int i = 0; i < mix.size(); i++) {
            SimJob job = mix.get(i);
            PollingOracle.Schedule schedule = schedules.get(job.model);
            polls[i] = schedule.pollsFor(job.totalNanos / 1e9);
            delays[i] = schedule.delayFor(job.totalNanos / 1e9);
        }
        return new Outcome(polls, delays, Double.NaN);
    }

    /** The λ values of the oracle's frontier, seconds of delay per request. */
    static double[] frontierLambdas() {
        return PollingOracle.logSpaced(0.005, 2, 20);
    }

    /** Where the default lands against the oracle in one part of one mix. */
    static final class Landing {
        final double defaultPolls;
        final double defaultDelay;
        final PollingOracle.Figures oracle;
        /** The oracle with every gap, the first poll's included, within the maximum interval. */
        final PollingOracle.Figures cappedOracle;

        Landing(double defaultPolls, double defaultDelay, PollingOracle.Figures oracle, PollingOracle.Figures cappedOracle) {
            this.defaultPolls = defaultPolls;
            this.defaultDelay = defaultDelay;
            this.oracle = oracle;
            this.cappedOracle = cappedOracle;
        }

        double ratio() {
            return defaultPolls / oracle.pollsPerJob;
        }

        double cappedRatio() {
            return defaultPolls / cappedOracle.pollsPerJob;
        }
    }

    /** An oracle's λ sweep: the schedules of each λ, with no gap above {@code maxIntervalSeconds}. */
    static List<Map<String, PollingOracle.Schedule>> sweep(double[] lambdas, double maxIntervalSeconds) {
        List<Map<String, PollingOracle.Schedule>> frontier = new ArrayList<>();
        for (double lambda : lambdas) {
            frontier.add(PollingOracle.optimalForEach(truth(), lambda, maxIntervalSeconds));
        }
        return frontier;
    }

    /** The oracle's polls per job at the mean delay {@code ours} has on jobs {@code from} to {@code to}. */
    static PollingOracle.Figures oracleAt(Outcome ours, List<SimJob> mix, List<Map<String, PollingOracle.Schedule>> frontier,
                                          double maxIntervalSeconds, int from, int to) {
        String[] models = models(mix);
        double[] durations = durations(mix);
        List<PollingOracle.Figures> figures = new ArrayList<>();
        for (Map<String, PollingOracle.Schedule> schedules : frontier) {
            figures.add(PollingOracle.evaluate(schedules, models, durations, from, to));
        }
        return PollingOracle.atMeanDelay(truth(), maxIntervalSeconds, figures, models, durations, from, to,
                ours.meanDelay(from, to), 6);
    }

    static Landing land(Outcome ours, List<SimJob> mix, List<Map<String, PollingOracle.Schedule>> frontier,
                        List<Map<String, PollingOracle.Schedule>> cappedFrontier, double cap, int from, int to) {
        return new Landing(ours.pollsPerJob(from, to), ours.meanDelay(from, to),
                oracleAt(ours, mix, frontier, Double.POSITIVE_INFINITY, from, to),
                oracleAt(ours, mix, cappedFrontier, cap, from, to));
    }

    /**
     * The service, as a {@link JobTransport}: a submit starts the job's timeline at that virtual
     * instant, and each read answers from it.
     */
    static final class Timeline implements JobTransport {
        private final Map<String, SimJob> jobs;
        private final VirtualTimeScheduler clock;

        Timeline(Map<String, SimJob> jobs, VirtualTimeScheduler clock) {
            this.jobs = jobs;
            this.clock = clock;
        }

        @Override
        public Mono<Job> submit(AsyncInvokeRequest request) {
            return Mono.fromCallable(() -> {
                String id = request.getTags().stream().filter(t -> JOB_TAG.equals(t.getKey())).map(Tag::getValue)
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("no " + JOB_TAG + " tag"));
                SimJob job = jobs.get(id);
                if (job == null || job.submittedNanos >= 0) {
                    throw new IllegalStateException("unknown or twice submitted: " + id);
                }
                job.submittedNanos = clock.now(TimeUnit.NANOSECONDS);
                return new Job().requestId(id).modelId(job.model).status(JobState.QUEUED)
                        .createdAt(EPOCH.plusNanos(job.submittedNanos));
            });
        }

        @Override
        public Mono<JobStatus> status(String requestId) {
            return Mono.fromCallable(() -> {
                SimJob job = jobs.get(requestId);
                JobState state = job.stateAt(clock.now(TimeUnit.NANOSECONDS));
                job.answered(state);
                return new JobStatus().requestId(requestId).status(state);
            });
        }

        @Override
        public Mono<Job> job(String requestId) {
            return Mono.fromCallable(() -> {
                SimJob job = jobs.get(requestId);
                JobState state = job.stateAt(clock.now(TimeUnit.NANOSECONDS));
                job.answered(state);
                Job body = new Job().requestId(requestId).modelId(job.model).status(state)
                        .createdAt(EPOCH.plusNanos(job.submittedNanos));
                if (state != JobState.QUEUED) {
                    body.startedAt(EPOCH.plusNanos(job.submittedNanos + job.queuedNanos));
                }
                if (state == JobState.COMPLETED) {
                    body.completedAt(EPOCH.plusNanos(job.completionNanos())).output(Map.of("seed", 1));
                }
                return body;
            });
        }
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmAfter = Math.min(100, jobs / 10);
        Map<String, PollingOptions> policies = policies();
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        double[] lambdas = frontierLambdas();
        long start = System.nanoTime();
        double cap = PollingOptions.defaults().maxInterval().toNanos() / 1e9;
        List<Map<String, PollingOracle.Schedule>> frontier = sweep(lambdas, Double.POSITIVE_INFINITY);
        List<Map<String, PollingOracle.Schedule>> cappedFrontier = sweep(lambdas, cap);
        Map<String, PollingOracle.Schedule> oracleAtOurLambda =
                PollingOracle.optimalForEach(truth(), REQUEST_COST_SECONDS);
        double oracleSeconds = (System.nanoTime() - start) / 1e9;
        List<List<Outcome>> frontierOutcomes = new ArrayList<>();
        for (int k = 0; k < lambdas.length; k++) {
            frontierOutcomes.add(new ArrayList<>());
        }
        String[] parts = {"all jobs (from cold)", "warm (after the first " + warmAfter + ")",
                          "cold (the first " + warmAfter + ")"};
        List<List<Landing>> landings = new ArrayList<>();
        for (int p = 0; p < parts.length; p++) {
            landings.add(new ArrayList<>());
        }
        String oracleName = String.format(Locale.ROOT, "oracle, lambda %.2f s", REQUEST_COST_SECONDS);
        for (int seed = 1; seed <= seeds; seed++) {
            List<SimJob> mix = mix(jobs, seed);
            for (Map.Entry<String, PollingOptions> policy : policies.entrySet()) {
                outcomes.computeIfAbsent(policy.getKey(), k -> new ArrayList<>()).add(run(policy.getValue(), mix));
            }
            outcomes.computeIfAbsent(oracleName, k -> new ArrayList<>()).add(oracle(oracleAtOurLambda, mix));
            for (int k = 0; k < lambdas.length; k++) {
                frontierOutcomes.get(k).add(oracle(frontier.get(k), mix));
            }
            Outcome ours = outcomes.get(DEFAULT).get(seed - 1);
            landings.get(0).add(land(ours, mix, frontier, cappedFrontier, cap, 0, jobs));
            landings.get(1).add(land(ours, mix, frontier, cappedFrontier, cap, warmAfter, jobs));
            landings.get(2).add(land(ours, mix, frontier, cappedFrontier, cap, 0, warmAfter));
        }
        System.out.printf(Locale.ROOT, "P3 polling policies: %d jobs x %d seeds (half image 3 s, half audio 20 s, "
                + "log-normal sigma 0.6), simulated clock, %.1f s wall (oracle DPs %.1f s)%n", jobs, seeds,
                (System.nanoTime() - start) / 1e9, oracleSeconds);
        System.out.println("machine: " + Stats.machine() + " (the figures run on a simulated clock; only the wall time depends on it)");
        System.out.println("requests/job (= polls): every poll up to the one that sees the job terminal, which reads "
                + "the whole job; last column: every request after the submit (equal when nothing follows it)");
        System.out.printf(Locale.ROOT, "%-26s %26s %24s %8s %8s %13s %13s %13s%n", "policy",
                "requests/job (= polls)", "mean delay s", "p50 s", "p95 s", "warm req/job", "warm delay s",
                "all requests");
        int n = jobs;
        for (Map.Entry<String, List<Outcome>> e : outcomes.entrySet()) {
            List<Outcome> runs = e.getValue();
            double requests = median(runs, o -> o.requestsPerJob);
            System.out.printf(Locale.ROOT, "%-26s %26s %24s %8.3f %8.3f %13.2f %13.3f %13s%n", e.getKey(),
                    spread(runs, Outcome::pollsPerJob, "%.2f"), spread(runs, Outcome::meanDelay, "%.3f"),
                    median(runs, o -> o.delayPercentile(0.5)), median(runs, o -> o.delayPercentile(0.95)),
                    median(runs, o -> o.pollsPerJob(warmAfter, n)), median(runs, o -> o.meanDelay(warmAfter, n)),
                    Double.isNaN(requests) ? "-" : String.format(Locale.ROOT, "%.2f", requests));
        }
        List<Outcome> ours = outcomes.get(DEFAULT);
        double oursPolls = median(ours, Outcome::pollsPerJob);
        double oursDelay = median(ours, Outcome::meanDelay);
        double fixed500 = median(outcomes.get("fixed 500 ms"), Outcome::pollsPerJob);
        double fixed2s = median(outcomes.get("fixed 2 s"), Outcome::meanDelay);
        System.out.printf(Locale.ROOT, "requests/job ours / fixed 500 ms = %.2f / %.2f = %.3f (goal < 1)%n",
                oursPolls, fixed500, oursPolls / fixed500);
        System.out.printf(Locale.ROOT, "mean delay ours / fixed 2 s = %.3f s / %.3f s = %.3f (goal < 1)%n",
                oursDelay, fixed2s, oursDelay / fixed2s);

        System.out.println();
        System.out.printf(Locale.ROOT, "oracle frontier: each model's true log-normal, optimal poll times by DP "
                + "(grid %.0f ms, horizon S = %.0e), counted on the same jobs%n", PollingOracle.GRID_SECONDS * 1e3,
                PollingOracle.TAIL_SURVIVAL);
        System.out.printf(Locale.ROOT, "%12s %26s %24s %14s %14s %13s %13s%n", "lambda s/req", "requests/job (= polls)",
                "mean delay s", "E[polls]", "E[delay] s", "warm req/job", "warm delay s");
        for (int k = 0; k < lambdas.length; k++) {
            List<Outcome> runs = frontierOutcomes.get(k);
            double expectedPolls = 0;
            double expectedDelay = 0;
            for (PollingOracle.Schedule schedule : frontier.get(k).values()) {
                expectedPolls += schedule.expectedPolls / frontier.get(k).size();
                expectedDelay += schedule.expectedDelaySeconds / frontier.get(k).size();
            }
            System.out.printf(Locale.ROOT, "%12.4f %26s %24s %14.2f %14.3f %13.2f %13.3f%n", lambdas[k],
                    spread(runs, Outcome::pollsPerJob, "%.2f"), spread(runs, Outcome::meanDelay, "%.3f"),
                    expectedPolls, expectedDelay, median(runs, o -> o.pollsPerJob(warmAfter, n)),
                    median(runs, o -> o.meanDelay(warmAfter, n)));
        }

        System.out.println();
        System.out.println("ours (default) against the oracle at equal mean delay, per seed (oracle's lambda "
                + "bisected on the same jobs); goal: ratio <= 1.05");
        System.out.printf(Locale.ROOT, "%-26s %21s %21s %23s %23s %21s %21s%n", "part", "ours requests/job",
                "ours mean delay s", "oracle requests/job", "oracle lambda s/req", "ratio ours/oracle",
                "ratio, capped oracle");
        for (int p = 0; p < parts.length; p++) {
            List<Landing> runs = landings.get(p);
            System.out.printf(Locale.ROOT, "%-26s %21s %21s %23s %23s %21s %21s%n", parts[p],
                    spreadOf(runs, l -> l.defaultPolls, "%.2f"), spreadOf(runs, l -> l.defaultDelay, "%.3f"),
                    spreadOf(runs, l -> l.oracle.pollsPerJob, "%.2f"), spreadOf(runs, l -> l.oracle.lambda, "%.4f"),
                    spreadOf(runs, Landing::ratio, "%.3f"), spreadOf(runs, Landing::cappedRatio, "%.3f"));
        }
        System.out.printf(Locale.ROOT, "capped oracle: no gap between polls, nor between the submit and the first "
                + "poll, above maxInterval (%.0f s); the default lets the first poll wait up to %.0f s%n", cap,
                cap * FIRST_POLL_MAX_INTERVALS);
    }

    static final String DEFAULT = "ours (default, adaptive)";

    static <T> String spreadOf(List<T> runs, java.util.function.ToDoubleFunction<T> metric, String format) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        double median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median, values[0],
                values[values.length - 1]);
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
        return spreadOf(runs, metric::of, format);
    }
}
