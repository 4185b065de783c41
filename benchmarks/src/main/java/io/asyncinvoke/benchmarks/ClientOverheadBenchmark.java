package io.asyncinvoke.benchmarks;

import io.asyncinvoke.client.RequestBudgetOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;

/**
 * P1: client CPU per poll and end-to-end jobs per second, this library against (a) raw
 * Reactor Netty + Jackson and (b) openapi-generator's webclient client, in one run.
 *
 * <p>The simulator runs in a child JVM ({@link ExternalSimulator}), so the process CPU time
 * measured here is the client's. Its jobs take 1 ms (queued) and nothing else: zero service
 * latency, yet every job needs a poll. Each contender polls with the same fixed 2 ms
 * schedule, keeps the same number of operations in flight, and does the same requests (submit,
 * then, from 2 ms after it, {@code GET /v1/async-invoke/{id}} until it shows the end: two requests
 * per job), each on a connection pool of its own (Reactor Netty's default size, 16 connections on
 * up to 8 cores, fewer than the 32 operations in flight; {@code -Dreactor.netty.pool.maxConnections=64}
 * gives every pool 64, the webclient's global one included). Each round runs the
 * contenders in a new order so that machine noise spreads over all of them, and each measured
 * block starts after a full GC, so that none pays for the garbage of the one before; medians and
 * [min-max] over the measured rounds are printed, and the ratios of contenders measured in the
 * same round.
 *
 * <p>{@code java -cp benchmarks.jar io.asyncinvoke.benchmarks.ClientOverheadBenchmark [rounds] [polls] [jobs]}
 */
public final class ClientOverheadBenchmark {

    static final int CONCURRENCY = 32;
    static final Duration POLL_EVERY = Duration.ofMillis(2);

    /** Figures of one contender over the measured rounds. */
    static final class Figures {
        final List<Double> cpuMicrosPerPoll = new ArrayList<>();
        final List<Double> pollsPerSecond = new ArrayList<>();
        final List<Double> jobsPerSecond = new ArrayList<>();
        final List<Double> cpuMicrosPerJob = new ArrayList<>();
        final List<Double> appCpuMicrosPerPoll = new ArrayList<>();
        final List<Double> appCpuMicrosPerJob = new ArrayList<>();
    }

    static List<Contender> contenders(String baseUrl, String key) {
        List<Contender> all = new ArrayList<>();
        all.add(Contender.raw(baseUrl, key, POLL_EVERY));
        all.add(Contender.rawWithResponseTimeout(baseUrl, key, POLL_EVERY));
        all.add(Contender.ours("ours (budget off)", baseUrl, key, POLL_EVERY, RequestBudgetOptions.disabled()));
        all.add(Contender.ours("ours (budget on, not limiting)", baseUrl, key, POLL_EVERY,
                RequestBudgetOptions.of(100_000_000, Duration.ofMinutes(1))));
        all.add(Contender.webclient(baseUrl, key, POLL_EVERY));
        return all;
    }

    /** Runs the rounds against the simulator at {@code baseUrl}; the first {@code warmup} rounds are not kept. */
    static Map<String, Figures> run(String baseUrl, String key, int warmup, int rounds, int polls, int jobs) {
        List<Contender> contenders = contenders(baseUrl, key);
        Contender setup = contenders.get(0);
        List<String> ids = new ArrayList<>();
        Flux.range(0, CONCURRENCY).flatMap(i -> setup.job("seed " + i), 8)
                .map(job -> ((io.asyncinvoke.model.Job) job).getRequestId())
                .doOnNext(ids::add).blockLast(Duration.ofMinutes(1));
        Map<String, Figures> figures = new LinkedHashMap<>();
        for (Contender c : contenders) {
            figures.put(c.name(), new Figures());
        }
        Random shuffle = new Random(42);
        List<Contender> order = new ArrayList<>(contenders);
        for (int round = 0; round < warmup + rounds; round++) {
            // A new order each round (seeded, so runs repeat it): no contender always follows the same one.
            Collections.shuffle(order, shuffle);
            for (Contender c : order) {
                Figures f = figures.get(c.name());
                settle();
                Map<Long, Long> threads0 = Stats.threadCpuNanos();
                long cpu0 = Stats.processCpuNanos();
                long wall0 = System.nanoTime();
                Flux.range(0, polls).flatMap(i -> c.poll(ids.get(i % ids.size())), CONCURRENCY)
                        .blockLast(Duration.ofMinutes(5));
                long pollCpu = Stats.processCpuNanos() - cpu0;
                long pollWall = System.nanoTime() - wall0;
                long pollAppCpu = Stats.threadCpuNanosSince(threads0);
                settle();
                Map<Long, Long> threads1 = Stats.threadCpuNanos();
                long cpu1 = Stats.processCpuNanos();
                long wall1 = System.nanoTime();
                Flux.range(0, jobs).flatMap(i -> c.job("a lighthouse " + i), CONCURRENCY)
                        .blockLast(Duration.ofMinutes(5));
                long cpu2 = Stats.processCpuNanos();
                long wall2 = System.nanoTime();
                long jobAppCpu = Stats.threadCpuNanosSince(threads1);
                if (round >= warmup) {
                    f.cpuMicrosPerPoll.add(pollCpu / 1e3 / polls);
                    f.pollsPerSecond.add(polls / (pollWall / 1e9));
                    f.cpuMicrosPerJob.add((cpu2 - cpu1) / 1e3 / jobs);
                    f.jobsPerSecond.add(jobs / ((wall2 - wall1) / 1e9));
                    f.appCpuMicrosPerPoll.add(pollAppCpu / 1e3 / polls);
                    f.appCpuMicrosPerJob.add(jobAppCpu / 1e3 / jobs);
                }
            }
        }
        return figures;
    }

    /** {@code a[i] / b[i]} for each measured round. */
    static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> ratios = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            ratios.add(a.get(i) / b.get(i));
        }
        return ratios;
    }

    /** Collects the previous block's garbage outside the measured window, so no contender pays for another's. */
    private static void settle() {
        System.gc();
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int polls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int jobs = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        try (ExternalSimulator sim = ExternalSimulator.start("--queued-ms", "1", "--running-ms", "0",
                // an enforced limit far above any rate reached here, so that no answer ever reports 0 remaining
                "--rate-limit", "1000000000")) {
            long start = System.nanoTime();
            Map<String, Figures> figures = run(sim.baseUrl(), sim.apiKey(), 3, rounds, polls, jobs);
            System.out.printf(Locale.ROOT, "P1 client overhead: %s; %d measured rounds after 3 warm-up, %d polls and "
                    + "%d jobs per round and contender, %d in flight, pools of %d connections "
                    + "(-Dreactor.netty.pool.maxConnections), %.0f s%n", Stats.machine(), rounds, polls, jobs,
                    CONCURRENCY, ConnectionProvider.DEFAULT_POOL_MAX_CONNECTIONS, (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "%-34s %26s %26s %26s %26s %26s %26s%n", "contender",
                    "CPU us/poll med [min-max]", "polls/s", "jobs/s", "CPU us/job", "app-thread CPU us/poll",
                    "app-thread CPU us/job");
            for (Map.Entry<String, Figures> e : figures.entrySet()) {
                Figures f = e.getValue();
                System.out.printf(Locale.ROOT, "%-34s %26s %26s %26s %26s %26s %26s%n", e.getKey(),
                        Stats.spread(f.cpuMicrosPerPoll, "%.1f"), Stats.spread(f.pollsPerSecond, "%.0f"),
                        Stats.spread(f.jobsPerSecond, "%.0f"), Stats.spread(f.cpuMicrosPerJob, "%.1f"),
                        Stats.spread(f.appCpuMicrosPerPoll, "%.1f"), Stats.spread(f.appCpuMicrosPerJob, "%.1f"));
            }
            Figures raw = figures.get("(a) raw Reactor Netty + Jackson");
            Figures rawTimeout = figures.get("(a') raw + response timeout");
            Figures ours = figures.get("ours (budget off)");
            Figures oursBudget = figures.get("ours (budget on, not limiting)");
            Figures generated = figures.get("(b) openapi-generator webclient");
            System.out.printf(Locale.ROOT, "CPU/poll ours / raw = %.3f (budget on: %.3f); goal <= 1.15%n",
                    Stats.median(ours.cpuMicrosPerPoll) / Stats.median(raw.cpuMicrosPerPoll),
                    Stats.median(oursBudget.cpuMicrosPerPoll) / Stats.median(raw.cpuMicrosPerPoll));
            System.out.printf(Locale.ROOT, "CPU/poll ours / raw with a response timeout = %.3f, CPU/job = %.3f%n",
                    Stats.median(ours.cpuMicrosPerPoll) / Stats.median(rawTimeout.cpuMicrosPerPoll),
                    Stats.median(ours.cpuMicrosPerJob) / Stats.median(rawTimeout.cpuMicrosPerJob));
            System.out.printf(Locale.ROOT, "CPU/job ours / raw = %.3f (budget on: %.3f); goal <= 1.15%n",
                    Stats.median(ours.cpuMicrosPerJob) / Stats.median(raw.cpuMicrosPerJob),
                    Stats.median(oursBudget.cpuMicrosPerJob) / Stats.median(raw.cpuMicrosPerJob));
            System.out.printf(Locale.ROOT, "jobs/s ours / webclient = %.2f, polls/s ours / webclient = %.2f; goal >= 2%n",
                    Stats.median(ours.jobsPerSecond) / Stats.median(generated.jobsPerSecond),
                    Stats.median(ours.pollsPerSecond) / Stats.median(generated.pollsPerSecond));
            // Each round measures every contender within seconds of the others: a ratio taken inside
            // one round cancels the machine's slower drifts, which the medians of the columns keep.
            System.out.printf(Locale.ROOT, "paired by round, median [min-max]: CPU/poll ours / raw %s (budget on: %s); "
                    + "CPU/job ours / raw %s (budget on: %s); jobs/s ours / webclient %s (budget on: %s)%n",
                    Stats.spread(ratios(ours.cpuMicrosPerPoll, raw.cpuMicrosPerPoll), "%.3f"),
                    Stats.spread(ratios(oursBudget.cpuMicrosPerPoll, raw.cpuMicrosPerPoll), "%.3f"),
                    Stats.spread(ratios(ours.cpuMicrosPerJob, raw.cpuMicrosPerJob), "%.3f"),
                    Stats.spread(ratios(oursBudget.cpuMicrosPerJob, raw.cpuMicrosPerJob), "%.3f"),
                    Stats.spread(ratios(ours.jobsPerSecond, generated.jobsPerSecond), "%.2f"),
                    Stats.spread(ratios(oursBudget.jobsPerSecond, generated.jobsPerSecond), "%.2f"));
            System.out.printf(Locale.ROOT, "app-thread CPU, paired by round: per poll ours / raw %s (budget on: %s), "
                    + "per job ours / raw %s (budget on: %s), per job webclient / ours %s%n",
                    Stats.spread(ratios(ours.appCpuMicrosPerPoll, raw.appCpuMicrosPerPoll), "%.3f"),
                    Stats.spread(ratios(oursBudget.appCpuMicrosPerPoll, raw.appCpuMicrosPerPoll), "%.3f"),
                    Stats.spread(ratios(ours.appCpuMicrosPerJob, raw.appCpuMicrosPerJob), "%.3f"),
                    Stats.spread(ratios(oursBudget.appCpuMicrosPerJob, raw.appCpuMicrosPerJob), "%.3f"),
                    Stats.spread(ratios(generated.appCpuMicrosPerJob, ours.appCpuMicrosPerJob), "%.2f"));
            System.out.printf(Locale.ROOT, "jobs/s raw / ours = %.3f, polls/s raw / ours = %.3f%n",
                    Stats.median(raw.jobsPerSecond) / Stats.median(ours.jobsPerSecond),
                    Stats.median(raw.pollsPerSecond) / Stats.median(ours.pollsPerSecond));
        }
        System.exit(0);
    }
}
