package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/**
 * Why a command did not succeed, with what it knew of the job when it happened: commands throw it,
 * {@link ExitCodes} turns it into the exit code and {@link ErrorReport} into the lines on stderr.
 * The cause decides both; this adds the job's request_id when the cause does not carry one, and
 * says when the job completed but its files were not all saved, or when the job itself failed.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient String requestId;
    private final boolean filesNotSaved;
    private final transient Job failedJob;

    private CommandFailure(String message, Throwable cause, String requestId, boolean filesNotSaved, Job failedJob) {
        super(message, cause, false, false);
        this.requestId = requestId;
        this.filesNotSaved = filesNotSaved;
        this.failedJob = failedJob;
    }

    /** {@code error} (Reactor's wrappers removed) in a command about job {@code requestId} (null: not known yet). */
    static CommandFailure about(String requestId, Throwable error) {
        Throwable cause = Exceptions.unwrap(error);
        if (cause instanceof CommandFailure) {
            return (CommandFailure) cause;
        }
        return new CommandFailure(null, cause, requestId, false, null);
    }

    /** A call that got no answer within {@code timeout} (the command's {@code --timeout}). */
    static CommandFailure noAnswer(TimeoutException cause, Duration timeout, String requestId) {
        return new CommandFailure("no answer within " + DurationFormat.format(timeout)
                + (requestId == null ? "" : " for job " + requestId), cause, requestId, false, null);
    }

    /** Job {@code requestId} completed, but {@code cause} kept its files from being all saved. */
    static CommandFailure filesNotSaved(String requestId, Throwable cause) {
        return new CommandFailure(null, Exceptions.unwrap(cause), requestId, true, null);
    }

    /** {@code job} ended FAILED. */
    static CommandFailure jobFailed(Job job) {
        return new CommandFailure("job " + job.getRequestId() + " failed: "
                + (job.getError() == null ? "the service gave no reason" : job.getError()), null, job.getRequestId(),
                false, job);
    }

    /** A failure that is about no job, told in {@code message} alone. */
    static CommandFailure of(String message) {
        return new CommandFailure(message, null, null, false, null);
    }

    /** What went wrong: the cause, or this failure itself when it has none. */
    static Throwable causeOf(Throwable error) {
        Throwable cause = Exceptions.unwrap(error);
        if (cause instanceof CommandFailure && cause.getCause() != null) {
            return cause.getCause();
        }
        return cause;
    }

    /** The job's request_id: the cause's own when it carries one, else the one the command knew. */
    Optional<String> requestId() {
        if (getCause() instanceof AsyncInvokeException) {
            Optional<String> own = ((AsyncInvokeException) getCause()).requestId();
            if (own.isPresent()) {
                return own;
            }
        }
        return Optional.ofNullable(requestId);
    }

    /** Whether the job completed and only saving its files failed (a later watch can save them). */
    boolean filesNotSaved() {
        return filesNotSaved;
    }

    /** The job, when it ended FAILED. */
    Optional<Job> failedJob() {
        return Optional.ofNullable(failedJob);
    }
}
