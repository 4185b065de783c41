package io.asyncinvoke.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.SubmitOutcomeUnknownException;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.redis.RedisBudgetStore;
import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code batch FILE}: many jobs from a file of one request per line, {@code --concurrency} at a
 * time, each line's result printed on stdout as JSON Lines as it ends, the progress on stderr, and,
 * with {@code --journal}, resumable after a crash without losing or duplicating a job.
 */
@Command(name = "batch", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run one job per line of FILE (- reads stdin): {\"model_id\": \"...\", \"input\": {...}, "
                + "\"tags\": [{\"key\": \"...\", \"value\": \"...\"}]}; blank lines and lines starting with # are skipped. "
                + "Every line is checked before anything is sent.",
                "stdout: one JSON object per line as it ends: {\"line\", \"request_id\", \"status\", \"output\", "
                        + "\"error\", \"files\"} (status null: the line could not be finished).",
                "With --journal, run the same command again to resume: finished lines are printed again, jobs "
                        + "already submitted are watched, never submitted twice."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  every line COMPLETED",
                "  1  every line finished, some FAILED",
                "  2  usage error or invalid input: nothing was sent",
                "  3  authentication failed (401/403)",
                "  4  some lines unfinished (rerun with the same --journal to resume)"})
final class BatchCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = AsyncInvokeJson.newObjectMapper();

    /** How long a --store lease lasts by default: the library's. */
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    /** How often the progress is printed when stderr is not a terminal. */
    static final Duration PLAIN_PROGRESS_EVERY = Duration.ofSeconds(10);

    @Parameters(paramLabel = "FILE", description = "One request per line (JSON); - reads stdin.")
    String file;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "How many jobs are in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Save each line's files in DIR/line-N/ (N: the line's number in FILE).")
    Path out;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "Record every line's request_id and end here, on disk, as they happen; run the same "
                    + "command again with it to resume.")
    Path journalFile;

    @Option(names = "--resubmit-unknown",
            description = "Submit again the lines whose submit was sent but never answered (outcome unknown): "
                    + "their job may run twice.")
    boolean resubmitUnknown;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Share the request budget through this Redis (e.g. redis://127.0.0.1:6379) with every "
                    + "process of the same endpoint and key.")
    String redis;

    @Option(names = "--store", paramLabel = "redis://HOST:PORT/NAME",
            description = "Keep the batch's state in this Redis under NAME, so that several processes, on any "
                    + "machines, run the same FILE together: each line is submitted once across all of them, a "
                    + "killed process's lines are taken over after its lease, each process prints the lines it "
                    + "finished. Not with --journal.")
    String shared;

    @Option(names = "--lease", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --store: how long a process's lines wait for another when it dies (default 30s).")
    Duration lease;

    @Mixin
    ClientFactory service;

    @ParentCommand
    AsyncInvokeCli cli;

    @Override
    public Integer call() {
        Context context = cli.context();
        AtomicReference<BatchInput.Summary> summary = new AtomicReference<>();
        AtomicReference<RedisBudgetStore> store = new AtomicReference<>();
        try (BatchInput input = BatchInput.open(file, context.in());
             Connection connection = service.connect(context, false, () -> {
                 check();
                 summary.set(input.validate());
             }, builder -> withRedis(builder, store));
             BatchJournal journal = openJournal(context, summary.get())) {
            if (shared != null) {
                return new SharedBatch(context, connection.client(), cli.stdout().lines(), SharedBatch.Target.parse(shared),
                        lease == null ? DEFAULT_LEASE : lease, concurrency, out, summary.get()).run(input, summary.get());
            }
            return new Batch(context, connection, journal, summary.get()).run(input);
        } finally {
            if (store.get() != null) {
                store.get().close();
            }
        }
    }

    private void check() {
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, was " + concurrency);
        }
        if (out != null) {
            OutOption.requireWritableDirectory(out);
        }
        if (journalFile != null && Files.isDirectory(journalFile)) {
            throw new IllegalArgumentException("--journal " + journalFile + ": a directory, not a file");
        }
        if (shared != null) {
            if (journalFile != null) {
                throw new IllegalArgumentException("--store and --journal: choose one (the store keeps what the journal would)");
            }
            if (resubmitUnknown) {
                throw new IllegalArgumentException("--resubmit-unknown is not available with --store: a line whose "
                        + "outcome is unknown is never sent again by a shared batch");
            }
            SharedBatch.Target.parse(shared);
        }
        if (lease != null && (shared == null || lease.compareTo(Duration.ofMillis(500)) < 0)) {
            throw new IllegalArgumentException(shared == null ? "--lease needs --store"
                    : "--lease must be at least 500ms, was " + DurationFormat.format(lease));
        }
        if (redis != null) {
            try {
                RedisURI.create(redis);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--redis: not a Redis URL (e.g. redis://127.0.0.1:6379): "
                        + e.getMessage(), e);
            }
        }
    }

    private AsyncInvokeClientBuilder withRedis(AsyncInvokeClientBuilder builder, AtomicReference<RedisBudgetStore> store) {
        if (redis == null) {
            return builder;
        }
        store.set(RedisBudgetStore.create(redis));
        return builder.budgetStore(store.get());
    }

    private BatchJournal openJournal(Context context, BatchInput.Summary summary) {
        if (journalFile == null) {
            return null;
        }
        try {
            return BatchJournal.open(journalFile, context.storage(), summary, context.err()::println);
        } catch (BatchJournal.JournalException e) {
            // nothing was sent yet: a journal that cannot be used is a usage error
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** One run of the batch. */
    private final class Batch {
        private final Context context;
        private final AsyncInvokeAsyncClient client;
        private final Duration timeout;
        private final BatchJournal journal;
        private final BatchProgress counts;
        private final JsonOut stdout;
        private volatile AuthenticationException authentication;

        Batch(Context context, Connection connection, BatchJournal journal, BatchInput.Summary summary) {
            this.context = context;
            this.client = connection.client();
            this.timeout = connection.timeout();
            this.journal = journal;
            this.counts = new BatchProgress(summary.requests());
            this.stdout = cli.stdout().lines();
        }

        int run(BatchInput input) {
            try (Progress progress = Progress.summary(context.err(), context.live(), System.nanoTime(),
                    () -> counts.text(context.live()), PLAIN_PROGRESS_EVERY)) {
                counts.startedAt(progress);
                if (journal != null) {
                    // finished before: printed again, not run again
                    journal.forEachEnded(result -> {
                        counts.replayed(Status.of(result.path("status").asText(null)));
                        stdout.write(result);
                    });
                }
                input.lines()
                        .subscribeOn(Schedulers.boundedElastic())
                        .filter(line -> journal == null || journal.state(line.number()) != BatchJournal.ENDED)
                        .flatMap(line -> line(line).publishOn(Schedulers.boundedElastic()), concurrency, 1)
                        .doOnNext(result -> {
                            stdout.write(result);
                            counts.ended(Status.of(result.get("status").textValue()));
                        })
                        .blockLast();
                progress.line(counts.text(false));
            }
            return exitCode();
        }

        private int exitCode() {
            if (authentication != null) {
                throw CommandFailure.about(null, authentication);
            }
            BatchJournal.JournalException broken = journal == null ? null : journal.broken();
            if (broken != null) {
                throw CommandFailure.of(broken.getMessage() + ": lines not yet submitted were not sent; every "
                        + "request_id recorded before is safe: make room and run the same command again to resume");
            }
            if (counts.unfinished() > 0) {
                throw CommandFailure.of(counts.unfinished() + " of " + counts.total() + " lines unfinished"
                        + (journalFile == null ? "" : "; run the same command again to resume them"));
            }
            if (counts.failed() > 0) {
                context.err().println(counts.failed() + " of " + counts.total() + " lines FAILED");
                return ExitCodes.JOB_FAILED;
            }
            return ExitCodes.OK;
        }

        /** What becomes of one line: never an error, always its result. */
        private Mono<ObjectNode> line(BatchInput.Line line) {
            int n = line.number();
            byte state = journal == null ? BatchJournal.FRESH : journal.state(n);
            if (state == BatchJournal.SUBMITTED) {
                String id = journal.requestId(n);
                return follow(n, client.watch(id, client.pollingOptions()), new AtomicReference<>(id));
            }
            if (state == BatchJournal.SUBMITTING && !resubmitUnknown) {
                return Mono.just(result(n, null, null, null, "outcome unknown: its submit was sent, but the batch "
                        + "stopped before the answer was recorded; the job may exist, and its request_id is lost. "
                        + "Not sent again (that could run it twice) unless --resubmit-unknown is given", List.of()));
            }
            String stopped = stopped();
            if (stopped != null) {
                return Mono.just(notSent(n, stopped));
            }
            AsyncInvokeRequest request;
            try {
                request = BatchInput.parse(n, line.text());
            } catch (IllegalArgumentException e) {
                // the file changed after it was checked
                return Mono.just(notSent(n, e.getMessage()));
            }
            Mono<Void> recorded = journal == null ? Mono.empty() : journal.submitting(n);
            return recorded
                    .then(Mono.defer(() -> {
                        String now = stopped();
                        return now != null ? Mono.just(notSent(n, now)) : submit(n, request);
                    }))
                    .onErrorResume(BatchJournal.JournalException.class, e -> Mono.just(notSent(n, e.getMessage())));
        }

        private Mono<ObjectNode> submit(int n, AsyncInvokeRequest request) {
            AtomicReference<String> id = new AtomicReference<>();
            Flux<JobUpdate> updates = client.submitAndWatch(request, client.pollingOptions())
                    .concatMap(update -> {
                        if (!id.compareAndSet(null, update.requestId()) || journal == null) {
                            return Mono.just(update);
                        }
                        // on disk before the watch goes on; a journal that fails stops the batch, not this job
                        return journal.submitted(n, update.requestId())
                                .onErrorResume(BatchJournal.JournalException.class, e -> Mono.empty())
                                .thenReturn(update);
                    });
            return follow(n, updates.onErrorResume(e -> {
                Throwable cause = Exceptions.unwrap(e);
                if (id.get() == null && !(cause instanceof SubmitOutcomeUnknownException) && journal != null) {
                    // refused: no job was created, the line may be sent again
                    return journal.unsent(n).onErrorResume(error -> Mono.empty()).thenMany(Flux.error(e));
                }
                return Flux.error(e);
            }), id);
        }

        /** Follows a job to its end; {@code id} holds its request_id once known. */
        private Mono<ObjectNode> follow(int n, Flux<JobUpdate> updates, AtomicReference<String> id) {
            return Mono.defer(() -> {
                long start = System.nanoTime();
                counts.started();
                return updates.last()
                        .flatMap(update -> end(n, update.job().orElse(null), start))
                        .timeout(timeout)
                        .onErrorResume(e -> Mono.just(unfinished(n, id.get(), e)))
                        // before the result goes on: the summary after the last line counts none in flight
                        .doOnSuccess(result -> counts.stopped())
                        .doOnCancel(counts::stopped);
            });
        }

        /** A job that ended: its files saved (with --out), then its end on disk, then its result. */
        private Mono<ObjectNode> end(int n, Job job, long start) {
            if (job == null) {
                return Mono.error(new IllegalStateException("the watch ended without the final job"));
            }
            Mono<List<String>> files = Mono.just(List.of());
            if (out != null && job.getStatus() == JobState.COMPLETED) {
                Duration left = timeout.minusNanos(System.nanoTime() - start);
                Path dir = out.resolve("line-" + n);
                files = client.downloadAll(job, dir, client.downloadOptions().withTimeout(
                                left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left))
                        .map(Path::toString).collectList()
                        .onErrorMap(e -> new FilesNotSaved(e));
            }
            return files.flatMap(saved -> {
                boolean completed = job.getStatus() == JobState.COMPLETED;
                ObjectNode result = result(n, job.getRequestId(), completed ? "COMPLETED" : "FAILED",
                        job.getOutput(), completed ? null : job.getError() == null ? "the service gave no reason"
                                : job.getError(), saved);
                return journal == null ? Mono.just(result) : journal.ended(n, result)
                        .onErrorResume(BatchJournal.JournalException.class, e -> Mono.empty())
                        .thenReturn(result);
            }).onErrorResume(FilesNotSaved.class, e -> Mono.just(result(n, job.getRequestId(), null, job.getOutput(),
                    "the job completed, but its files were not all saved: " + message(e.getCause()), List.of())));
        }

        private ObjectNode unfinished(int n, String requestId, Throwable error) {
            Throwable cause = CommandFailure.causeOf(error);
            if (cause instanceof AuthenticationException && authentication == null) {
                authentication = (AuthenticationException) cause;
            }
            return result(n, requestId, null, null, message(cause), List.of());
        }

        private String message(Throwable error) {
            Throwable cause = Exceptions.unwrap(error);
            if (cause instanceof TimeoutException) {
                return "not finished within --timeout " + DurationFormat.format(timeout);
            }
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }

        private ObjectNode notSent(int n, String why) {
            return result(n, null, null, null, "not sent: " + why, List.of());
        }

        /** Why lines are no longer sent, or null while they are. */
        private String stopped() {
            if (authentication != null) {
                return "authentication failed";
            }
            BatchJournal.JournalException broken = journal == null ? null : journal.broken();
            return broken == null ? null : broken.getMessage();
        }

    }

    /** A line's result as stdout shows it: every field, null ones too (a JSON tree keeps them). */
    static ObjectNode result(int n, String requestId, String status, Object output, String error, List<String> files) {
        ObjectNode result = JSON.createObjectNode();
        result.put("line", n);
        result.put("request_id", requestId);
        result.put("status", status);
        result.set("output", JSON.valueToTree(output));
        result.put("error", error);
        ArrayNode saved = result.putArray("files");
        files.forEach(saved::add);
        return result;
    }

    /** A completed job whose files were not all saved. */
    private static final class FilesNotSaved extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FilesNotSaved(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** How a line ended. */
    enum Status {
        COMPLETED, FAILED, UNFINISHED;

        static Status of(String status) {
            return "COMPLETED".equals(status) ? COMPLETED : "FAILED".equals(status) ? FAILED : UNFINISHED;
        }
    }
}
