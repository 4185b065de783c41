package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.asyncinvoke.client.ApiException;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Simulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import reactor.core.Exceptions;

/**
 * What every subcommand shares: choosing the service (or the embedded simulator), building the
 * client, printing the job on stdout, and turning every outcome into the documented exit code.
 * Input is checked before the client is built, so exit code 2 always means nothing was sent.
 */
abstract class JobCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int JOB_FAILED = 1;
    static final int USAGE = 2;
    static final int AUTHENTICATION = 3;
    static final int OTHER_ERROR = 4;

    private static final ObjectWriter JOB_WRITER = AsyncInvokeJson.newObjectMapper().writerWithDefaultPrettyPrinter()
            .with(new Terminal.JsonEscapes());

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    final Context context;
    /** The job this command is about, once known: every error message names it. */
    String requestId;
    /** Set when the job completed but saving its files failed: a later watch can save them again. */
    private boolean downloadFailed;
    private String apiKey;
    /** When --timeout runs out for the whole command, downloads included (System.nanoTime). */
    private long deadlineNanos;

    JobCommand(Context context) {
        this.context = context;
    }

    /** Whether, with neither --base-url nor a key, this command runs against the embedded simulator. */
    boolean simulatorWithoutKey() {
        return false;
    }

    /** Checks the arguments; throws {@link IllegalArgumentException} for a usage error. Sends nothing. */
    abstract void validate();

    /** Does the work and returns the exit code; errors are thrown and mapped by {@link #call()}. */
    abstract int execute(AsyncInvokeAsyncClient client, Progress progress);

    @Override
    public final Integer call() {
        apiKey = AsyncInvokeDefaults.apiKey(connection.apiKey, context.env()).orElse(null);
        boolean simulated = connection.simulator
                || simulatorWithoutKey() && connection.baseUrl == null && apiKey == null;
        try {
            if (connection.simulator && connection.baseUrl != null) {
                throw new IllegalArgumentException("--simulator and --base-url exclude each other");
            }
            validate();
            if (!simulated && apiKey == null) {
                throw new IllegalArgumentException("no API key: pass --api-key or set " + AsyncInvokeDefaults.API_KEY_ENV
                        + " (or try --simulator)");
            }
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Simulator simulator = null;
        try {
            AsyncInvokeClientBuilder builder = new AsyncInvokeClientBuilder()
                    .pollingOptions(PollingOptions.defaults().withTimeout(connection.timeout))
                    .userAgentSuffix("async-invoke-cli");
            if (simulated) {
                if (!connection.simulator) {
                    context.err().println("No --base-url and no API key (--api-key or " + AsyncInvokeDefaults.API_KEY_ENV
                            + "): using the embedded simulator, offline.");
                }
                simulator = context.simulator().get();
                builder.endpoint(simulator.baseUrl()).apiKey(simulator.apiKey());
            } else {
                builder.apiKey(apiKey);
                if (connection.baseUrl != null) {
                    builder.endpoint(connection.baseUrl);
                }
            }
            AsyncInvokeAsyncClient client;
            try {
                client = builder.buildAsyncClient();
            } catch (IllegalArgumentException | IllegalStateException e) {
                return usage(e.getMessage());
            }
            // elapsed times count from the first request, not from the JVM's and simulator's start-up
            try (Progress progress = new Progress(context.err(), context.live(), System.nanoTime())) {
                deadlineNanos = System.nanoTime() + connection.timeout.toNanos();
                return execute(client, progress);
            }
        } catch (RuntimeException e) {
            return failure(Exceptions.unwrap(e));
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    /** What is left of --timeout, which bounds the whole command (at least a millisecond). */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /** The client's polling options, bounded by what is left of --timeout. */
    PollingOptions watchOptions(AsyncInvokeAsyncClient client) {
        return client.pollingOptions().withTimeout(remaining());
    }

    /**
     * Ends a watch: prints the job, downloads its files into {@code out} when it completed, and
     * returns 0, or 1 when it failed. The downloads share what is left of --timeout.
     */
    int finish(AsyncInvokeAsyncClient client, Progress progress, JobUpdate last, Path out) {
        Job job = last == null ? null : last.job().orElse(null);
        if (job == null) {
            throw new AsyncInvokeException("the watch ended without the final job", requestId, null);
        }
        if (job.getStatus() == JobState.FAILED) {
            printJob(job);
            progress.close();
            error("job " + job.getRequestId() + " failed: "
                    + (job.getError() == null ? "the service gave no reason" : job.getError()));
            return JOB_FAILED;
        }
        RuntimeException downloadFailure = null;
        if (out != null) {
            try {
                Duration left = remaining();
                client.downloadAll(job, out, client.downloadOptions().withTimeout(left))
                        .doOnNext(path -> progress.line("saved " + path))
                        .timeout(left)
                        .blockLast();
            } catch (IllegalArgumentException e) {
                // an output URL the client refuses (not http): the job was sent, so not a usage error
                downloadFailure = new AsyncInvokeException(e.getMessage(), job.getRequestId(), e);
            } catch (RuntimeException e) {
                Throwable cause = Exceptions.unwrap(e);
                boolean outOfTime = cause instanceof TimeoutException
                        || cause instanceof TransportException && ((TransportException) cause).isTimeout();
                downloadFailure = outOfTime ? new AsyncInvokeException("the files of job " + job.getRequestId()
                        + " were not all saved within --timeout " + DurationFormat.format(connection.timeout)
                        + ", which covers the whole command, downloads included", job.getRequestId(), cause) : e;
            }
            downloadFailed = downloadFailure != null;
        }
        // the job is printed even when a download failed: it completed, and its URLs are in it
        printJob(job);
        if (downloadFailure != null) {
            throw downloadFailure;
        }
        return OK;
    }

    void printJob(Job job) {
        try {
            context.out().println(JOB_WRITER.writeValueAsString(job));
            context.out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the job as JSON", e);
        }
    }

    private int failure(Throwable e) {
        if (e instanceof IllegalArgumentException) {
            // the client checks input before sending anything
            return usage(e.getMessage());
        }
        if (e instanceof AuthenticationException) {
            error(e.getMessage() + " (check --api-key or " + AsyncInvokeDefaults.API_KEY_ENV + ")");
            return AUTHENTICATION;
        }
        String id = e instanceof AsyncInvokeException
                ? ((AsyncInvokeException) e).requestId().orElse(requestId) : requestId;
        if (e instanceof TimeoutException) {
            error("no answer within " + DurationFormat.format(connection.timeout) + (id == null ? "" : " for job " + id));
        } else if (e instanceof AsyncInvokeException || e instanceof UncheckedIOException) {
            error(e.getMessage());
        } else {
            error(e.toString());
        }
        if (id != null) {
            String later = downloadFailed ? " (save its files again with: async-invoke watch " + id + " --out DIR)"
                    : mayStillExist(e) ? " (check on it later with: async-invoke watch " + id + ")"
                    : "";
            context.err().println("request_id: " + Terminal.printable(id) + later);
        }
        return OTHER_ERROR;
    }

    /**
     * Whether the job may still exist after {@code e}, so that watching it later makes sense: a
     * watch or call that ran out of time, a network error, or a server error or rate limit. Not
     * after a 404 (the request_id is unknown or expired) nor any other refusal.
     */
    private static boolean mayStillExist(Throwable e) {
        if (e instanceof AsyncInvokeTimeoutException || e instanceof TimeoutException
                || e instanceof TransportException) {
            return true;
        }
        if (e instanceof ApiException) {
            int status = ((ApiException) e).statusCode();
            return status == 429 || status >= 500;
        }
        return false;
    }

    /**
     * Checks before anything is sent that {@code out} is a directory this process can write in, or
     * one it can create, so that a job's files are not lost after it ran (and cost credits). Creates
     * nothing: a job that fails leaves no empty directory.
     *
     * @throws IllegalArgumentException naming {@code --out} and what is wrong
     */
    static void requireWritableDirectory(Path out) {
        Path dir = out.toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            String problem = cannotWriteIn(dir);
            if (problem != null) {
                throw new IllegalArgumentException("--out " + out + ": not writable (" + problem + ")");
            }
            return;
        }
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("--out " + out + ": exists and is not a directory");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--out " + out + ": a symbolic link to nothing");
        }
        Path existing = dir.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created");
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created, " + existing + " is not a directory");
        }
        String problem = cannotWriteIn(existing);
        if (problem != null) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created in " + existing + " ("
                    + problem + ")");
        }
    }

    /**
     * Why no file can be created in {@code dir}, or null when one can. Tried for real (and removed
     * at once): permission bits do not tell for root, read-only mounts or special file systems.
     */
    private static String cannotWriteIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".async-invoke-", ".probe"));
            return null;
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (FileSystemException e) {
            return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        } catch (IOException | SecurityException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }

    private int usage(String message) {
        error(message);
        context.err().println("Try 'async-invoke " + spec.name() + " --help'.");
        return USAGE;
    }

    void error(String message) {
        context.err().println("error: " + Terminal.printable(redact(message)));
        context.err().flush();
    }

    /** {@code text} without the API key, should anything have echoed it. */
    String redact(String text) {
        return apiKey == null || text == null ? text : text.replace(apiKey, AsyncInvokeDefaults.REDACTED);
    }
}
