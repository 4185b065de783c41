package io.asyncinvoke.spring.ai;

import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.model.Job;
import java.util.Optional;
import org.springframework.ai.retry.NonTransientAiException;

/**
 * The job ended {@code FAILED}: Spring AI's non-transient error (the same input would fail again,
 * and a retry would be a new, paid job), with the job's request_id and the server's message. Its
 * cause is the client's {@link JobFailedException}.
 */
public final class JobFailedAiException extends NonTransientAiException {

    private static final long serialVersionUID = 1L;

    private final transient Job job;

    JobFailedAiException(JobFailedException failure) {
        super(failure.getMessage(), failure);
        this.job = failure.job();
    }

    /** The failed job's request_id. */
    public String requestId() {
        return job.getRequestId();
    }

    /** The server's error message, when it gave one. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(job.getError());
    }

    /** The failed job as the service returned it. */
    public Job job() {
        return job;
    }
}
