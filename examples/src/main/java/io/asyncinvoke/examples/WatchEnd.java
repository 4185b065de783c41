package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/**
 * How a watch ends ({@code run}, {@code watch}): the final job is printed, and, when it completed,
 * its files are saved in {@code --out}, within what is left of {@code --timeout}.
 */
final class WatchEnd {

    private WatchEnd() {
    }

    /**
     * Prints the job {@code last} carries and saves its files into {@code out} (null: not saved).
     * {@code requestId} is the job's, as far as the command knows it.
     *
     * @return {@link ExitCodes#OK}
     * @throws CommandFailure when the job FAILED (it is printed first), or completed but its files
     *         were not all saved (it is printed all the same: its URLs are in it)
     */
    static int finish(Connection connection, Progress progress, JsonOut json, JobUpdate last, Path out,
            String requestId) {
        Job job = last == null ? null : last.job().orElse(null);
        if (job == null) {
            throw CommandFailure.about(requestId,
                    new AsyncInvokeException("the watch ended without the final job", requestId, null));
        }
        if (job.getStatus() == JobState.FAILED) {
            json.write(job);
            progress.close();
            throw CommandFailure.jobFailed(job);
        }
        RuntimeException notSaved = out == null ? null : save(connection, progress, job, out);
        json.write(job);
        if (notSaved != null) {
            throw CommandFailure.filesNotSaved(job.getRequestId(), notSaved);
        }
        return ExitCodes.OK;
    }

    /** Saves the job's files, each line "saved PATH" on stderr; returns why not all were, or null. */
    private static RuntimeException save(Connection connection, Progress progress, Job job, Path out) {
        AsyncInvokeAsyncClient client = connection.client();
        try {
            Duration left = connection.remaining();
            client.downloadAll(job, out, client.downloadOptions().withTimeout(left))
                    .doOnNext(path -> progress.line("saved " + path))
                    .timeout(left)
                    .blockLast();
            return null;
        } catch (IllegalArgumentException e) {
            // an output URL the client refuses (not http): the job was sent, so not a usage error
            return new AsyncInvokeException(e.getMessage(), job.getRequestId(), e);
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            boolean outOfTime = cause instanceof TimeoutException
                    || cause instanceof TransportException && ((TransportException) cause).isTimeout();
            return outOfTime ? new AsyncInvokeException("the files of job " + job.getRequestId()
                    + " were not all saved within --timeout " + DurationFormat.format(connection.timeout())
                    + ", which covers the whole command, downloads included", job.getRequestId(), cause) : e;
        }
    }
}
