package io.asyncinvoke.client;

import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.util.Optional;

/**
 * A watch reached its overall timeout before the job ended. The job goes on on the server: call
 * {@code watch(requestId())} again to resume. {@link #lastStatus()} is the last status seen.
 */
public final class AsyncInvokeTimeoutException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final String lastStatus;
    private final Duration timeout;

    AsyncInvokeTimeoutException(String requestId, String lastStatus, Duration timeout) {
        super("Job " + requestId + " did not finish within " + DurationFormat.format(timeout) + " (last status: "
                + (lastStatus == null ? "unknown" : Failures.printable(lastStatus, 100)) + "); it may still be running, watch it again to resume",
                requestId, null);
        this.lastStatus = lastStatus;
        this.timeout = timeout;
    }

    /** The last status seen, as the service spelled it; empty if no poll answered. */
    public Optional<String> lastStatus() {
        return Optional.ofNullable(lastStatus);
    }

    /** The last status seen as a {@link JobState}; empty if no poll answered. */
    public Optional<JobState> lastState() {
        return lastStatus().map(JobState::fromValue);
    }

    /** The timeout that elapsed. */
    public Duration timeout() {
        return timeout;
    }
}
