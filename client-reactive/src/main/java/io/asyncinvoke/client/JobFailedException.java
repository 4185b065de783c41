package io.asyncinvoke.client;

import java.util.Optional;

import io.asyncinvoke.model.Job;

/** The job ended {@code FAILED}. Carries the request_id, the server's error message and the job. */
public final class JobFailedException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final transient Job job;

    JobFailedException(Job job) {
        super("Job " + job.getRequestId() + " (" + Failures.printable(job.getModelId(), 200) + ") failed: "
                + (job.getError() == null ? "the service gave no reason" : Failures.printable(job.getError(), 1000)),
                job.getRequestId(), null);
        this.job = job;
    }

    /** The server's error message ({@code error} of the job), when it gave one. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(job.getError());
    }

    /** The failed job as the service returned it. */
    public Job job() {
        return job;
    }
}
