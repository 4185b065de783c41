package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Simulator;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
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

    private static final ObjectWriter JOB_WRITER = AsyncInvokeJson.newObjectMapper().writerWithDefaultPrettyPrinter();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    final Context context;
    /** The job this command is about, once known: every error message names it. */
    String requestId;
    private String apiKey;

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
        String key = connection.apiKey != null ? connection.apiKey : context.env().apply(Context.API_KEY_ENV);
        apiKey = key == null || key.isBlank() ? null : key;
        boolean simulated = connection.simulator
                || simulatorWithoutKey() && connection.baseUrl == null && apiKey == null;
        try {
            if (connection.simulator && connection.baseUrl != null) {
                throw new IllegalArgumentException("--simulator and --base-url exclude each other");
            }
            validate();
            if (!simulated && apiKey == null) {
                throw new IllegalArgumentException("no API key: pass --api-key or set " + Context.API_KEY_ENV
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
                    context.err().println("No --base-url and no API key (--api-key or " + Context.API_KEY_ENV
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

    /**
     * Ends a watch: prints the job, downloads its files into {@code out} when it completed, and
     * returns 0, or 1 when it failed.
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
                client.downloadAll(job, out).doOnNext(path -> progress.line("saved " + path)).blockLast();
            } catch (IllegalArgumentException e) {
                // an output URL the client refuses (not http): the job was sent, so not a usage error
                downloadFailure = new AsyncInvokeException(e.getMessage(), job.getRequestId(), e);
            } catch (RuntimeException e) {
                downloadFailure = e;
            }
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
            error(e.getMessage() + " (check --api-key or " + Context.API_KEY_ENV + ")");
            return AUTHENTICATION;
        }
        String id = e instanceof AsyncInvokeException && ((AsyncInvokeException) e).requestId() != null
                ? ((AsyncInvokeException) e).requestId() : requestId;
        if (e instanceof TimeoutException) {
            error("no answer within " + connection.timeout.toString().substring(2).toLowerCase()
                    + (id == null ? "" : " for job " + id));
        } else if (e instanceof AsyncInvokeException || e instanceof UncheckedIOException) {
            error(e.getMessage());
        } else {
            error(e.toString());
        }
        if (id != null) {
            context.err().println("request_id: " + id + " (check on it later with: async-invoke watch " + id + ")");
        }
        return OTHER_ERROR;
    }

    private int usage(String message) {
        error(message);
        context.err().println("Try 'async-invoke " + spec.name() + " --help'.");
        return USAGE;
    }

    void error(String message) {
        context.err().println("error: " + redact(message));
        context.err().flush();
    }

    /** {@code text} without the API key, should anything have echoed it. */
    String redact(String text) {
        return apiKey == null || text == null ? text : text.replace(apiKey, "[REDACTED]");
    }
}
