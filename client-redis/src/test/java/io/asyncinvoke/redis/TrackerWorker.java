package io.asyncinvoke.redis;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.spi.TrackedJob.State;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One application instance, as a JVM process of its own: a {@link JobTracker} on a
 * {@link RedisJobStore}, whose handler appends {@code key owner} to a file (synced), so that the
 * test counts handler runs outside the processes. Arguments are {@code name=value}:
 * {@code redis}, {@code namespace}, {@code api}, {@code key}, {@code owner} (optional),
 * {@code lease} (ms), {@code handled} (the file), {@code track=FROM-TO} (optional: track jobs
 * {@code job-FROM} to {@code job-(TO-1)}, every {@code step}-th), {@code expect} (exit once that
 * many jobs are final). Prints {@code TRACKED n} once tracked, {@code OWNED n} every 200 ms from the start, {@code DONE}.
 * SIGTERM closes the tracker (its leases are released), as an application's shutdown does.
 */
public final class TrackerWorker {

    private TrackerWorker() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(a.get("api")).apiKey(a.get("key"))
                .requestBudget(RequestBudgetOptions.disabled())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(500))
                        .withInterval(Duration.ofMillis(Long.parseLong(a.getOrDefault("poll", "500"))))
                        .withMaxInterval(Duration.ofSeconds(1)).withAdaptive(false))
                .buildAsyncClient();
        RedisJobStore store = RedisJobStore.builder().url(a.get("redis")).namespace(a.get("namespace"))
                .retryInterval(Duration.ofMillis(500)).build();
        FileChannel handled = FileChannel.open(Path.of(a.get("handled")), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        JobTracker.Builder builder = JobTracker.builder(client).store(store)
                .lease(Duration.ofMillis(Long.parseLong(a.getOrDefault("lease", "3000"))))
                .shutdownGrace(Duration.ofSeconds(5));
        if (a.containsKey("owner")) {
            builder.owner(a.get("owner"));
        }
        String[] ownerHolder = new String[1];
        builder.handler(job -> Mono.fromCallable(() -> {
            byte[] line = (job.key() + " " + ownerHolder[0] + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (handled) {
                handled.write(ByteBuffer.wrap(line));
                handled.force(false);
            }
            return line;
        }).subscribeOn(Schedulers.boundedElastic()).then());
        JobTracker tracker = builder.start();
        ownerHolder[0] = tracker.owner();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                tracker.close();
                store.close();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(close, "tracker-shutdown"));
        System.out.println("READY " + tracker.owner());
        Thread owned = new Thread(() -> {
            while (!closed.get()) {
                System.out.println("OWNED " + tracker.ownedCount());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "owned-report");
        owned.setDaemon(true);
        owned.start();

        if (a.containsKey("track")) {
            String[] range = a.get("track").split("-");
            int from = Integer.parseInt(range[0]);
            int to = Integer.parseInt(range[1]);
            int step = Integer.parseInt(a.getOrDefault("step", "1"));
            Long tracked = Flux.range(from, to - from).filter(i -> (i - from) % step == 0)
                    .flatMap(i -> tracker.track("job-" + i, InvokeRequests.image("fal-ai/flux/schnell")
                            .prompt("picture " + i).build()), 32)
                    .count().block(Duration.ofMinutes(5));
            System.out.println("TRACKED " + tracked);
        }
        long expect = Long.parseLong(a.getOrDefault("expect", "-1"));
        while (true) {
            Thread.sleep(200);
            if (expect >= 0) {
                Map<State, Long> counts = tracker.counts().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
                if (counts != null) {
                    long done = counts.entrySet().stream().filter(e -> e.getKey().isFinal())
                            .mapToLong(Map.Entry::getValue).sum();
                    if (done >= expect) {
                        break;
                    }
                }
            }
        }
        close.run();
        handled.close();
        System.out.println("DONE");
        System.exit(0);
    }
}
