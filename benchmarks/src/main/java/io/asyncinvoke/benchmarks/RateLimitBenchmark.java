package io.asyncinvoke.benchmarks;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.simulator.Durations;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * P4: one client watching many jobs at once against a simulator that enforces 250 requests per
 * minute (sliding window, 429 with Retry-After beyond it).
 *
 * <p>Time is scaled by {@code scale} (default 10) so that a run takes minutes, not hours: the
 * simulator's window is {@code 60 s / scale}, the client's budget is {@code 250 per (60 s / scale)}
 * and {@code 5000 per (1 h / scale)}, and job durations are divided by the same factor (image
 * median 3 s, audio 20 s, log-normal σ 0.6). The polling options are the defaults, unscaled: the
 * budget, not the schedule, paces polling here. Figures in real time are the scaled ones × scale.
 *
 * <p>Every job is submitted and watched at once ({@code submitAndWatch}); counted per job from the
 * simulator's journal: polls, and the lag from the server's {@code completed_at} to the
 * watch's terminal element. The same run without a budget shows what the budget prevents.
 *
 * <p>{@code java -cp benchmarks.jar io.asyncinvoke.benchmarks.RateLimitBenchmark [jobs] [scale] [withBaseline]}
 */
public final class RateLimitBenchmark {

    static final String IMAGE = "fal-ai/flux/schnell";
    static final String AUDIO = "fal-ai/stable-audio-25/text-to-audio";

    /** What one run measured. */
    static final class Result {
        int jobs;
        int completed;
        int failed;
        long tooManyRequests;
        long requests;
        double wallSeconds;
        double[] pollsPerJob;
        double[] lagSeconds;
        long budgetWaits;
        final Map<String, Integer> errors = new HashMap<>();
    }

    static Result run(int jobs, int scale, boolean budget) {
        Duration window = Duration.ofMinutes(1).dividedBy(scale);
        try (Simulator sim = Simulator.builder().seed(42).rateLimit(250, window).journalCapacity(jobs * 20)
                .queuedFor(Duration.ofMillis(200).dividedBy(scale))
                .runningFor(IMAGE, Durations.logNormal(Duration.ofSeconds(3).dividedBy(scale), 0.6, 1))
                .runningFor(AUDIO, Durations.logNormal(Duration.ofSeconds(20).dividedBy(scale), 0.6, 2))
                .start()) {
            AtomicLong waits = new AtomicLong();
            AtomicLong answers = new AtomicLong();
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .requestBudget(budget ? RequestBudgetOptions.of(250, window).and(5000, Duration.ofHours(1).dividedBy(scale))
                            : RequestBudgetOptions.disabled())
                    .listener(new AsyncInvokeListener() {
                        @Override
                        public void rateLimitWait(io.asyncinvoke.client.spi.Exchange exchange, Duration delay) {
                            waits.incrementAndGet();
                        }

                        @Override
                        public void requestCompleted(io.asyncinvoke.client.spi.Exchange exchange, int statusCode,
                                                     Throwable error, Duration duration) {
                            answers.incrementAndGet();
                        }
                    })
                    .buildAsyncClient();
            Result result = new Result();
            result.jobs = jobs;
            Map<String, Instant> detected = new ConcurrentHashMap<>();
            Map<String, Instant> completedAt = new ConcurrentHashMap<>();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            long start = System.nanoTime();
            Thread progress = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(10_000);
                        System.out.printf(Locale.ROOT, "  ... %.0f s: %d answers, %d jobs done, %d waits%n",
                                (System.nanoTime() - start) / 1e9, answers.get(), completed.get() + failed.get(),
                                waits.get());
                    }
                } catch (InterruptedException stop) {
                    // run over
                }
            }, "progress");
            progress.setDaemon(true);
            progress.start();
            Flux.range(0, jobs)
                    .flatMap(i -> client.submitAndWatch(request(i))
                            .filter(JobUpdate::isTerminal)
                            .doOnNext(update -> {
                                detected.put(update.requestId(), Instant.now());
                                update.job().ifPresent(job -> {
                                    if (job.getCompletedAt() != null) {
                                        completedAt.put(update.requestId(), job.getCompletedAt().toInstant());
                                    }
                                });
                                completed.incrementAndGet();
                            })
                            .onErrorResume(error -> {
                                failed.incrementAndGet();
                                synchronized (result.errors) {
                                    result.errors.merge(error.getClass().getSimpleName(), 1, Integer::sum);
                                }
                                return Mono.empty();
                            }), jobs)
                    .blockLast(Duration.ofMinutes(30));
            progress.interrupt();
            result.wallSeconds = (System.nanoTime() - start) / 1e9;
            result.completed = completed.get();
            result.failed = failed.get();
            result.tooManyRequests = sim.journal().countStatus(429);
            result.requests = sim.journal().count(Endpoint.ANY);
            result.budgetWaits = waits.get();
            Map<String, Integer> polls = new HashMap<>();
            for (RecordedRequest r : sim.journal().requests(Endpoint.GET)) {
                polls.merge(r.requestId(), 1, Integer::sum);
            }
            result.pollsPerJob = Stats.sorted(detected.keySet().stream()
                    .mapToDouble(id -> polls.getOrDefault(id, 0)).toArray());
            result.lagSeconds = Stats.sorted(completedAt.entrySet().stream()
                    .mapToDouble(e -> Duration.between(e.getValue(), detected.get(e.getKey())).toNanos() / 1e9)
                    .toArray());
            return result;
        }
    }

    private static AsyncInvokeRequest request(int i) {
        return i % 2 == 0 ? InvokeRequests.image(IMAGE).prompt("a lighthouse " + i).build()
                : InvokeRequests.audio(AUDIO).prompt("rain " + i).secondsTotal(20).build();
    }

    static void print(String name, Result r, int scale) {
        System.out.printf(Locale.ROOT, "%s: %d jobs, %d completed, %d failed %s, %d answers 429, %d requests, "
                        + "%.1f s (x%d = %.0f s real time), %d budget waits%n", name, r.jobs, r.completed, r.failed,
                r.errors, r.tooManyRequests, r.requests, r.wallSeconds, scale, r.wallSeconds * scale, r.budgetWaits);
        if (r.pollsPerJob.length > 0) {
            System.out.printf(Locale.ROOT, "  polls per job: min %.0f, median %.0f, p95 %.0f, max %.0f%n",
                    r.pollsPerJob[0], Stats.percentile(r.pollsPerJob, 0.5), Stats.percentile(r.pollsPerJob, 0.95),
                    r.pollsPerJob[r.pollsPerJob.length - 1]);
        }
        if (r.lagSeconds.length > 0) {
            System.out.printf(Locale.ROOT, "  completion lag (completed_at -> emission), scaled s: min %.2f, median %.2f, "
                            + "p95 %.2f, max %.2f; real time x%d: median %.0f s, max %.0f s%n", r.lagSeconds[0],
                    Stats.percentile(r.lagSeconds, 0.5), Stats.percentile(r.lagSeconds, 0.95),
                    r.lagSeconds[r.lagSeconds.length - 1], scale, Stats.percentile(r.lagSeconds, 0.5) * scale,
                    r.lagSeconds[r.lagSeconds.length - 1] * scale);
        }
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean baseline = args.length <= 2 || Boolean.parseBoolean(args[2]);
        System.out.printf(Locale.ROOT, "P4 shared budget: %s; simulator enforces 250 requests per %s (time scaled 1/%d)%n",
                Stats.machine(), Duration.ofMinutes(1).dividedBy(scale), scale);
        print("ours (default budget, scaled)", run(jobs, scale, true), scale);
        if (baseline) {
            print("ours without a budget", run(jobs, scale, false), scale);
        }
        System.exit(0);
    }
}
