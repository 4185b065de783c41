package io.asyncinvoke.benchmarks.cluster;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.redis.RedisBudgetStore;
import io.asyncinvoke.redis.RedisServer;
import io.asyncinvoke.redis.Workers;
import io.asyncinvoke.simulator.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P4-cluster: several processes sharing one key against one simulator that enforces 60 requests
 * per window (the service's per-minute limit with time scaled down), each with the client's budget
 * of the same 60 per window, kept in process or shared through Redis; and what the Redis budget
 * costs per request against the in-process one.
 *
 * <p>Part 1, per variant ("local": each process its own budget; "redis": one budget in Redis):
 * {@code processes} JVMs ({@code BudgetWorker}) start together and run {@code jobs} image jobs each at
 * once (queued 200 ms, running 2 s, polled every 250 ms: together they ask for more than the limit
 * allows); counted from the simulator: requests, 429s; per process: when its last job completed
 * (ms after the start), and how many requests it sent while every process had some waiting (from
 * the first second on, until the first process sent its last): the smallest of those parts, as a
 * share of an equal part, says how fair the budget was.
 *
 * <p>Part 2: a token from the Redis budget directly ({@code BudgetStore.Budget.tryTake}, sequential,
 * a budget that never runs out): latency, beside a {@code PING}'s on a connection of its own (one
 * round trip), and Redis commands per token from {@code INFO commandstats}, which also counts the
 * commands run inside a script: those sent by the client (each {@code EVAL} of Bucket4j's
 * compare-and-swap runs one {@code GET}, and a {@code PSETEX} when it swaps) are printed apart.
 * Then one client's sequential reads of a job over loopback, from a simulator whose limit is far
 * above the rate reached (its default window would pace them), with the in-process budget and
 * with the Redis one: latency per request.
 *
 * <p>{@code java -jar benchmarks/p4-cluster/target/p4-cluster.jar [processes=3] [jobs=15] [windowSeconds=10] [takes=5000] [reads=2000]}
 * (needs {@code redis-server}; Debian: {@code apt-get install -y redis-server}).
 */
public final class P4ClusterBenchmark {

    static final int LIMIT = 60;

    private P4ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int processes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Duration window = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
        int takes = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
        int reads = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        Path redisServer = RedisServer.find().orElseThrow(() ->
                new IllegalStateException("redis-server is not installed (Debian: apt-get install -y redis-server)"));

        System.out.printf(Locale.ROOT, "P4-cluster: %d processes x %d jobs, one key, simulator enforcing %d per %ds;"
                + " client budget %d per %ds%n", processes, jobs, LIMIT, window.toSeconds(), LIMIT, window.toSeconds());
        System.out.println("machine: " + machine());
        try (RedisServer redis = RedisServer.start(redisServer)) {
            for (String variant : List.of("local", "redis")) {
                Run run = multiProcess(processes, jobs, window, variant.equals("redis") ? redis.url() : "-");
                System.out.println(run.line(variant));
            }
            Cost cost = costPerToken(redis, takes);
            System.out.printf(Locale.ROOT, "redis token (tryTake, sequential, %d): p50 %.0f us, p99 %.0f us, mean %.0f us;"
                            + " a PING round trip p50 %.0f us, so %.1f round trips' worth; %.2f commands sent per token (%s),"
                            + " %.2f as INFO commandstats counts them with those run inside the EVAL (%s)%n", takes,
                    cost.p50Micros, cost.p99Micros, cost.meanMicros, cost.pingP50Micros,
                    cost.p50Micros / cost.pingP50Micros, cost.commandsPerTake, cost.commands, cost.countedPerTake,
                    cost.counted);
            double[] local = reads(null, reads);
            try (RedisBudgetStore store = RedisBudgetStore.create(redis.url())) {
                double[] shared = reads(store, reads);
                System.out.printf(Locale.ROOT, "client read over loopback (%d sequential): in-process budget p50 %.0f us"
                                + " mean %.0f us; redis budget p50 %.0f us mean %.0f us; redis costs %+.0f us per request (p50)%n",
                        reads, local[0], local[1], shared[0], shared[1], shared[0] - local[0]);
            }
        }
        System.exit(0);
    }

    /** What one multi-process run measured. */
    static final class Run {
        long requests;
        long tooMany;
        long completed;
        long failed;
        long[] lastMillis;
        long wallMillis;
        List<Long> fallbacks = new ArrayList<>();
        List<Long> contended = List.of();

        String line(String variant) {
            long[] sorted = lastMillis.clone();
            Arrays.sort(sorted);
            double spread = sorted[sorted.length - 1] == 0 ? 0
                    : 100.0 * (sorted[sorted.length - 1] - sorted[0]) / sorted[sorted.length - 1];
            long all = contended.stream().mapToLong(Long::longValue).sum();
            double smallest = all == 0 ? 0
                    : 100.0 * contended.stream().mapToLong(Long::longValue).min().orElse(0) * contended.size() / all;
            return String.format(Locale.ROOT, "%-5s  requests %4d  429s %3d (%4.1f %%)  jobs %d completed, %d failed;"
                            + " each process's last job done at %s ms (spread %.0f %% of the slowest);"
                            + " requests sent while all waited %s (the smallest %.0f %% of an equal part); wall %.1f s%s",
                    variant, requests, tooMany, requests == 0 ? 0 : 100.0 * tooMany / requests, completed, failed,
                    Arrays.toString(lastMillis), spread, contended, smallest, wallMillis / 1000.0,
                    fallbacks.stream().mapToLong(Long::longValue).sum() == 0 ? "" : "; fallbacks " + fallbacks);
        }
    }

    static Run multiProcess(int processes, int jobs, Duration window, String redisUrl) throws Exception {
        try (Simulator sim = Simulator.builder().rateLimit(LIMIT, window).journalCapacity(100_000)
                .queuedFor(Duration.ofMillis(200)).runningFor(Duration.ofSeconds(2)).start();
             Workers workers = Workers.start(processes, sim.baseUrl(), sim.apiKey(), redisUrl, String.valueOf(jobs),
                     String.valueOf(LIMIT), String.valueOf(window.toMillis()), "250")) {
            long start = System.nanoTime();
            workers.go();
            if (!workers.await(Duration.ofMinutes(10))) {
                throw new IllegalStateException("a worker did not finish: " + workers.list());
            }
            Run run = new Run();
            run.wallMillis = (System.nanoTime() - start) / 1_000_000;
            run.requests = sim.journal().requests().size();
            run.tooMany = sim.journal().countStatus(429);
            run.lastMillis = new long[processes];
            run.contended = workers.contendedShares(Duration.ofSeconds(1));
            for (int i = 0; i < processes; i++) {
                Map<String, Long> r = workers.list().get(i).result();
                run.completed += r.get("completed");
                run.failed += r.get("failed");
                run.lastMillis[i] = r.get("last");
                run.fallbacks.add(r.get("unavailable"));
            }
            return run;
        }
    }

    /** Latency of one token from Redis, and commands per token. */
    static final class Cost {
        double p50Micros;
        double p99Micros;
        double meanMicros;
        /** Commands the client sent per token. */
        double commandsPerTake;
        String commands;
        /** Commands Redis counted per token, those run inside scripts included. */
        double countedPerTake;
        String counted;
        double pingP50Micros;
    }

    static Cost costPerToken(RedisServer redis, int takes) {
        try (RedisBudgetStore store = RedisBudgetStore.builder().url(redis.url()).timeout(Duration.ofSeconds(5)).build()) {
            BudgetStore.Budget budget = store.open(new BudgetStore.Spec("00000000000000000000000000000000", "benchmark",
                    List.of(new BudgetStore.Bandwidth(1_000_000_000L, 1_000_000_000L, Duration.ofSeconds(1)))));
            for (int i = 0; i < Math.min(2000, takes); i++) {
                budget.tryTake().toCompletableFuture().join();
            }
            String[] names = {"pttl", "get", "eval", "evalsha", "set", "pexpire", "psetex"};
            long[] before = new long[names.length];
            for (int i = 0; i < names.length; i++) {
                before[i] = redis.calls(names[i]);
            }
            double[] micros = new double[takes];
            long total = System.nanoTime();
            for (int i = 0; i < takes; i++) {
                long t0 = System.nanoTime();
                if (!budget.tryTake().toCompletableFuture().join().isGranted()) {
                    throw new IllegalStateException("the benchmark's budget ran out");
                }
                micros[i] = (System.nanoTime() - t0) / 1000.0;
            }
            total = System.nanoTime() - total;
            Cost cost = new Cost();
            long[] calls = new long[names.length];
            for (int i = 0; i < names.length; i++) {
                calls[i] = redis.calls(names[i]) - before[i];
            }
            cost.countedPerTake = perTake(names, calls, takes);
            cost.counted = perTakeText(names, calls, takes);
            // what ran inside the scripts: one GET per EVAL of the compare-and-swap, and its PSETEX
            long scripts = calls[2] + calls[3];
            long[] sent = calls.clone();
            sent[1] = Math.max(0, calls[1] - scripts);
            sent[6] = 0;
            cost.commandsPerTake = perTake(names, sent, takes);
            cost.commands = perTakeText(names, sent, takes);
            Arrays.sort(micros);
            cost.p50Micros = micros[takes / 2];
            cost.p99Micros = micros[(int) (takes * 0.99)];
            cost.meanMicros = total / 1000.0 / takes;
            cost.pingP50Micros = pingP50Micros(redis, takes);
            return cost;
        }
    }

    private static double perTake(String[] names, long[] calls, int takes) {
        long sum = 0;
        for (long c : calls) {
            sum += c;
        }
        return (double) sum / takes;
    }

    private static String perTakeText(String[] names, long[] calls, int takes) {
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (calls[i] > 0) {
                per.append(per.length() == 0 ? "" : ", ").append(names[i].toUpperCase(Locale.ROOT)).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", (double) calls[i] / takes));
            }
        }
        return per.toString();
    }

    /** p50 latency (µs) of sequential {@code PING}s on a Lettuce connection of their own: one round trip. */
    static double pingP50Micros(RedisServer redis, int pings) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            var commands = connection.async();
            for (int i = 0; i < Math.min(2000, pings); i++) {
                commands.ping().toCompletableFuture().join();
            }
            double[] micros = new double[pings];
            for (int i = 0; i < pings; i++) {
                long t0 = System.nanoTime();
                commands.ping().toCompletableFuture().join();
                micros[i] = (System.nanoTime() - t0) / 1000.0;
            }
            Arrays.sort(micros);
            return micros[pings / 2];
        } finally {
            client.shutdown();
        }
    }

    /** p50 and mean latency (µs) of sequential reads of one job, with the given store (null: in process). */
    static double[] reads(RedisBudgetStore store, int reads) {
        // an enforced limit far above the rate reached: the default window (5000 per minute) would pace the reads
        try (Simulator sim = Simulator.builder().journal(false).queuedFor(Duration.ofMinutes(10))
                .rateLimit(1_000_000_000, Duration.ofMinutes(1)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .requestBudget(RequestBudgetOptions.of(1_000_000, Duration.ofMinutes(1)))
                    .budgetStore(store).buildAsyncClient();
            String id = client.submit(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build())
                    .block(Duration.ofSeconds(10)).getRequestId();
            for (int i = 0; i < Math.min(1000, reads); i++) {
                client.get(id).block(Duration.ofSeconds(10));
            }
            double[] micros = new double[reads];
            long total = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                long t0 = System.nanoTime();
                client.get(id).block(Duration.ofSeconds(10));
                micros[i] = (System.nanoTime() - t0) / 1000.0;
            }
            total = System.nanoTime() - total;
            Arrays.sort(micros);
            return new double[] {micros[reads / 2], total / 1000.0 / reads};
        }
    }

    static String machine() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%d cores, load average %.2f at start, %s %s",
                Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"));
    }
}
