package io.asyncinvoke.benchmarks;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.model.Job;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * P2: retained heap per watched job and thread count, with thousands of concurrent watches.
 *
 * <p>The simulator runs in a child JVM, its jobs QUEUED for an hour (long lifecycles). This JVM
 * submits the jobs, keeps only their ids, takes a baseline after GC, then watches every job with
 * the default polling options and measures the heap after GC again once every watch has polled
 * a few times and settled on its 5 s interval. Retained per watch = (after − baseline) / watches:
 * the watch state, its operator chain, its pending timer, the subscriber's disposable, and the
 * requests in flight at that moment. Run it with {@code -Xmx256m}.
 *
 * <p>The budget is off here (10,000 watches at one poll per 5 s would otherwise queue for tokens,
 * which is P4's subject); the client gets a pool of 64 connections with an unbounded acquire
 * queue, as any application watching that many jobs on one client would configure.
 *
 * <p>{@code java -Xmx256m -cp benchmarks.jar io.asyncinvoke.benchmarks.WatchMemoryBenchmark [watches]}
 */
public final class WatchMemoryBenchmark {

    /** What one run measured. */
    static final class Result {
        final int watches;
        final double bytesPerWatch;
        final int threadsBefore;
        final int threadsAtTenth;
        final int threadsAtAll;
        final long baselineBytes;
        final long afterBytes;

        Result(int watches, double bytesPerWatch, int threadsBefore, int threadsAtTenth, int threadsAtAll,
               long baselineBytes, long afterBytes) {
            this.watches = watches;
            this.bytesPerWatch = bytesPerWatch;
            this.threadsBefore = threadsBefore;
            this.threadsAtTenth = threadsAtTenth;
            this.threadsAtAll = threadsAtAll;
            this.baselineBytes = baselineBytes;
            this.afterBytes = afterBytes;
        }
    }

    static Result run(String baseUrl, String key, int watches, Duration warmUp, Duration settle)
            throws InterruptedException {
        ConnectionProvider pool = ConnectionProvider.builder("p2-watches").maxConnections(64)
                .pendingAcquireMaxCount(-1).build();
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(baseUrl).apiKey(key)
                .httpClient(HttpClient.create(pool)).requestBudget(RequestBudgetOptions.disabled())
                .buildAsyncClient();
        List<String> submitted = Flux.range(0, watches + 200)
                .flatMap(i -> client.submit(InvokeRequests.audio("fal-ai/stable-audio-25/text-to-audio")
                        .prompt("rain " + i).build()), 64)
                .map(Job::getRequestId).collectList().block(Duration.ofMinutes(5));
        String[] ids = submitted.toArray(new String[0]);
        Disposable[] handles = new Disposable[watches];
        AtomicInteger seen = new AtomicInteger();

        // warm-up: classes, JIT, pooled connections
        Disposable[] warm = new Disposable[200];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = client.watch(ids[watches + i]).subscribe();
        }
        Thread.sleep(warmUp.toMillis());
        for (Disposable d : warm) {
            d.dispose();
        }
        Thread.sleep(warmUp.toMillis() / 5);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long baseline = usedAfterGc(memory);
        int tenth = Math.max(1, watches / 10);
        int threadsAtTenth = 0;
        for (int i = 0; i < watches; i++) {
            handles[i] = client.watch(ids[i]).subscribe(update -> seen.incrementAndGet());
            if (i + 1 == tenth) {
                awaitFirst(seen, tenth);
                threadsAtTenth = ManagementFactory.getThreadMXBean().getThreadCount();
            }
        }
        awaitFirst(seen, watches);
        Thread.sleep(settle.toMillis());
        int threadsAtAll = ManagementFactory.getThreadMXBean().getThreadCount();
        long after = usedAfterGc(memory);
        if (Boolean.getBoolean("histogram")) {
            printHistogram(40);
        }
        for (Disposable d : handles) {
            d.dispose();
        }
        pool.disposeLater().block(Duration.ofSeconds(10));
        return new Result(watches, (after - baseline) / (double) watches, threadsBefore, threadsAtTenth, threadsAtAll,
                baseline, after);
    }

    private static void awaitFirst(AtomicInteger seen, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (seen.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + seen.get() + " of " + count + " watches saw their job");
            }
            Thread.sleep(50);
        }
    }

    /** The top of a class histogram of live objects ({@code -Dhistogram=true}): what a watch is made of. */
    static void printHistogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] rows = String.valueOf(text).split("\n");
            for (int i = 0; i < Math.min(lines, rows.length); i++) {
                System.out.println(rows[i]);
            }
        } catch (javax.management.JMException e) {
            System.out.println("no histogram: " + e);
        }
    }

    /** Heap in use after full collections, once it stops shrinking. */
    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    public static void main(String[] args) throws Exception {
        int watches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (ExternalSimulator sim = ExternalSimulator.start("--queued-ms", "3600000", "--rate-limit", "1000000000")) {
            long start = System.nanoTime();
            Result r = run(sim.baseUrl(), sim.apiKey(), watches, Duration.ofSeconds(5), Duration.ofSeconds(20));
            System.out.printf(Locale.ROOT, "P2 watch memory: %s; %d concurrent watches (jobs QUEUED for an hour), "
                    + "default polling, %.0f s%n", Stats.machine(), watches, (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "heap after GC: baseline %.1f MiB, with the watches %.1f MiB%n",
                    r.baselineBytes / 1048576.0, r.afterBytes / 1048576.0);
            System.out.printf(Locale.ROOT, "retained per watched job: %.0f bytes (goal <= 4096)%n", r.bytesPerWatch);
            System.out.printf(Locale.ROOT, "threads: %d before, %d with %d watches, %d with %d watches%n",
                    r.threadsBefore, r.threadsAtTenth, Math.max(1, watches / 10), r.threadsAtAll, watches);
        }
        System.exit(0);
    }
}
