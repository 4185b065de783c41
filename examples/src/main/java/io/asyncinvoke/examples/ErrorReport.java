package io.asyncinvoke.examples;

import io.asyncinvoke.client.ApiException;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.TransportException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * The human side of a failure, on stderr: one {@code error:} line, as text that cannot drive the
 * terminal and holds no key; for a usage error, where to find help; and, when the failure is about
 * a job, its request_id with what can still be done about it (watch it later, or save its files
 * again).
 */
final class ErrorReport {

    private final PrintStream err;
    private final Redaction redaction;

    ErrorReport(PrintStream err, Redaction redaction) {
        this.err = err;
        this.redaction = redaction;
    }

    /** Reports {@code error}, thrown by the command {@code command} (its qualified name, e.g. {@code async-invoke run}). */
    void report(Throwable error, String command) {
        Throwable cause = CommandFailure.causeOf(error);
        CommandFailure failure = error instanceof CommandFailure ? (CommandFailure) error : null;
        if (cause instanceof IllegalArgumentException || cause instanceof CommandLine.ParameterException) {
            usage(cause.getMessage(), command);
            return;
        }
        if (cause instanceof AuthenticationException) {
            error(cause.getMessage() + " (check --api-key or " + AsyncInvokeDefaults.API_KEY_ENV + ")");
            return;
        }
        if (failure != null && failure.getMessage() != null) {
            error(failure.getMessage());
        } else if (cause instanceof AsyncInvokeException || cause instanceof UncheckedIOException) {
            error(cause.getMessage());
        } else {
            error(cause.toString());
        }
        if (failure == null || failure.failedJob().isPresent()) {
            return;
        }
        failure.requestId().ifPresent(id -> {
            String later = failure.filesNotSaved() ? " (save its files again with: async-invoke watch " + id + " --out DIR)"
                    : mayStillExist(cause) ? " (check on it later with: async-invoke watch " + id + ")"
                    : "";
            err.println("request_id: " + Terminal.printable(id) + later);
            err.flush();
        });
    }

    /** A usage error: nothing was sent. */
    void usage(String message, String command) {
        error(message);
        err.println("Try '" + command + " --help'.");
        err.flush();
    }

    private void error(String message) {
        err.println("error: " + Terminal.printable(redaction.apply(message)));
        err.flush();
    }

    /**
     * Whether the job may still exist after {@code e}, so that watching it later makes sense: a
     * watch or call that ran out of time, a network error, or a server error or rate limit. Not
     * after a 404 (the request_id is unknown or expired) nor any other refusal.
     */
    static boolean mayStillExist(Throwable e) {
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
}
