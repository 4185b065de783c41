package io.asyncinvoke.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.spi.TrackedJob;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.redis.RedisJobStore;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * {@code batch FILE --store redis://HOST:PORT/NAME}: the batch's state in Redis, shared by every
 * process that runs the same FILE under the same NAME, on any machine. Each line is a job tracked
 * under the key {@code line-N} ({@link JobTracker} over a {@link RedisJobStore}): the first process
 * to record a line submits it, and no other ever does; each unfinished job is leased to one live
 * process, and a killed process's jobs are taken over once its lease lapses, watched by request_id.
 * A process prints the lines whose end it handled itself; every process waits until every line is
 * finished in the store and exits with the whole batch's code.
 */
final class SharedBatch {

    /** Where a {@code --store} value points: the Redis to connect to, and the batch's name in it. */
    record Target(String redisUrl, String name) {

        /** {@code redis://HOST:PORT/NAME} (also {@code rediss://}, a password, {@code ?database=N}). */
        static Target parse(String value) {
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw usage(value, e.getMessage());
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String name = path.startsWith("/") ? path.substring(1) : path;
            if (uri.getScheme() == null || !uri.getScheme().startsWith("redis") || uri.getHost() == null) {
                throw usage(value, "not a Redis URL");
            }
            if (!name.matches("[A-Za-z0-9_.-]{1,60}")) {
                throw usage(value, "the batch's NAME (the path) must be 1 to 60 letters, digits, '-', '_' or '.'");
            }
            String redis = value.substring(0, value.length() - path.length() - tail(uri).length()) + tail(uri);
            try {
                RedisURI.create(redis);
            } catch (RuntimeException e) {
                throw usage(value, e.getMessage());
            }
            return new Target(redis, name);
        }

        private static String tail(URI uri) {
            return (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
        }

        private static IllegalArgumentException usage(String value, String why) {
            // a password in the value is masked on the way out (Redaction knows --store)
            return new IllegalArgumentException("--store " + value + ": expected redis://HOST:PORT/NAME (" + why + ")");
        }

        /** The store's namespace: the name and the input's digest, so that another FILE under one NAME is another batch. */
        String namespace(BatchInput.Summary summary) {
            return name + "." + summary.sha256().substring(0, 16);
        }
    }

    /** How often the end of the batch is looked for in the store, and room for one more job. */
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final Context context;
    private final AsyncInvokeAsyncClient client;
    private final JsonOut stdout;
    private final Target target;
    private final Duration lease;
    private final int concurrency;
    private final Path out;
    private final BatchProgress counts;
    private final AtomicInteger notSent = new AtomicInteger();
    private final AtomicReference<AuthenticationException> authentication = new AtomicReference<>();

    SharedBatch(Context context, AsyncInvokeAsyncClient client, JsonOut stdout, Target target, Duration lease,
                int concurrency, Path out, BatchInput.Summary summary) {
        this.context = context;
        this.client = client;
        this.stdout = stdout;
        this.target = target;
        this.lease = lease;
        this.concurrency = concurrency;
        this.out = out;
        this.counts = new BatchProgress(summary.requests());
    }

    int run(BatchInput input, BatchInput.Summary summary) {
        String namespace = target.namespace(summary);
        try (RedisJobStore store = RedisJobStore.builder().url(target.redisUrl()).namespace(namespace).build();
             JobTracker tracker = JobTracker.builder(client).store(store).lease(lease).capacity(concurrency)
                     .handler(this::handle).start();
             Progress progress = Progress.summary(context.err(), context.live(), System.nanoTime(),
                     () -> text(tracker), BatchCommand.PLAIN_PROGRESS_EVERY)) {
            counts.startedAt(progress);
            context.err().println("batch " + target.name() + ": " + store + ", as " + tracker.owner() + ", lease "
                    + DurationFormat.format(lease));
            input.lines()
                    .subscribeOn(Schedulers.boundedElastic())
                    .concatMap(line -> track(tracker, line))
                    .blockLast();
            awaitEnd(tracker);
            Map<State, Long> end = tracker.counts().block(Duration.ofSeconds(30));
            reportUnfinished(tracker);
            progress.line(text(tracker));
            return exitCode(tracker, end);
        }
    }

    /** Waits for room, then records and (if no process did before) submits the line. */
    private Mono<Void> track(JobTracker tracker, BatchInput.Line line) {
        if (authentication.get() != null) {
            return Mono.empty();
        }
        AsyncInvokeRequest request;
        try {
            request = BatchInput.parse(line.number(), line.text());
        } catch (IllegalArgumentException e) {
            // the file changed after it was checked
            return notSent(line.number(), e.getMessage());
        }
        return Mono.defer(() -> tracker.ownedCount() < concurrency ? Mono.just(true) : Mono.<Boolean>empty())
                .repeatWhenEmpty(Integer.MAX_VALUE, repeat -> repeat.delayElements(CHECK_EVERY))
                .then(tracker.track("line-" + line.number(), request))
                .then()
                .onErrorResume(e -> {
                    Throwable cause = CommandFailure.causeOf(Exceptions.unwrap(e));
                    if (cause instanceof AuthenticationException) {
                        authentication.compareAndSet(null, (AuthenticationException) cause);
                    }
                    // refused by the service (no job exists) or not recorded (nothing was sent)
                    return notSent(line.number(), message(cause));
                });
    }

    private Mono<Void> notSent(int n, String why) {
        return Mono.fromRunnable(() -> {
            notSent.incrementAndGet();
            stdout.write(BatchCommand.result(n, null, null, null, "not sent: " + why, List.of()));
            counts.ended(BatchCommand.Status.UNFINISHED);
        });
    }

    /** A finished line: its files saved (with --out), then its result printed; the tracker marks it done after. */
    private Mono<Void> handle(TrackedJob record) {
        int n = Integer.parseInt(record.key().substring("line-".length()));
        Job job = record.job().orElseThrow(() -> new IllegalStateException("a finished record without its job"));
        boolean completed = job.getStatus() == JobState.COMPLETED;
        Mono<List<String>> files = out != null && completed
                ? client.downloadAll(job, out.resolve("line-" + n), client.downloadOptions()).map(Path::toString).collectList()
                : Mono.just(List.of());
        // printed off the client's threads (a handler runs on them): a slow stdout must not stall Redis or HTTP
        return files.publishOn(Schedulers.boundedElastic()).doOnNext(saved -> {
            ObjectNode result = BatchCommand.result(n, job.getRequestId(), completed ? "COMPLETED" : "FAILED",
                    job.getOutput(), completed ? null : job.getError() == null ? "the service gave no reason"
                            : job.getError(), saved);
            stdout.write(result);
            counts.ended(completed ? BatchCommand.Status.COMPLETED : BatchCommand.Status.FAILED);
        }).then();
    }

    /** Until no line is unfinished in the store (this process has recorded every line by now). */
    private void awaitEnd(JobTracker tracker) {
        Mono.defer(() -> tracker.counts())
                .filter(c -> c.get(State.SUBMITTING) + c.get(State.SUBMITTED) + c.get(State.FINISHED) == 0)
                .repeatWhenEmpty(Integer.MAX_VALUE, repeat -> repeat.delayElements(CHECK_EVERY))
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, CHECK_EVERY))
                .block();
    }

    /** Lines that ended without a result (outcome unknown, expired, parked): every process reports them. */
    private void reportUnfinished(JobTracker tracker) {
        Flux.just(State.OUTCOME_UNKNOWN, State.EXPIRED, State.PARKED)
                .concatMap(tracker::list)
                .doOnNext(record -> stdout.write(BatchCommand.result(
                        Integer.parseInt(record.key().substring("line-".length())), record.requestId().orElse(null),
                        null, null, record.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
                                + record.problem().orElse("no reason recorded"), List.of())))
                .blockLast(Duration.ofMinutes(5));
    }

    private int exitCode(JobTracker tracker, Map<State, Long> end) {
        if (authentication.get() != null) {
            throw CommandFailure.about(null, authentication.get());
        }
        // a line the service refused has no record (no job exists): whoever tried it printed it, everyone counts it
        long recorded = end.values().stream().mapToLong(Long::longValue).sum();
        long withoutRecord = Math.max(notSent.get(), counts.total() - recorded);
        long lost = end.get(State.OUTCOME_UNKNOWN) + end.get(State.EXPIRED) + end.get(State.PARKED) + withoutRecord;
        if (lost > 0) {
            throw CommandFailure.of(lost + " of " + counts.total() + " lines unfinished (see their \"error\")");
        }
        long failed = tracker.list(State.HANDLED)
                .filter(r -> r.job().map(j -> j.getStatus() == JobState.FAILED).orElse(false))
                .count().block(Duration.ofMinutes(5));
        if (failed > 0) {
            context.err().println(failed + " of " + counts.total() + " lines FAILED");
            return ExitCodes.JOB_FAILED;
        }
        return ExitCodes.OK;
    }

    private String text(JobTracker tracker) {
        Map<State, Long> store = tracker.lastCounts();
        String here = counts.text(false);
        if (store.isEmpty()) {
            return here;
        }
        long handled = store.getOrDefault(State.HANDLED, 0L);
        return "store: " + handled + " of " + counts.total() + " lines done, " + tracker.ownedCount()
                + " here in flight; this process: " + here;
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }
}
