package io.asyncinvoke.client;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a watch: the status a job reached. A watch emits the status it first sees, then
 * one update per change, and ends with a terminal update ({@code COMPLETED} or {@code FAILED})
 * that carries the whole job.
 *
 * <p>{@link #status()} is the status as the service spelled it; {@link #state()} is the same as a
 * {@link JobState}, or {@link JobState#UNKNOWN_DEFAULT_OPEN_API} for a value this version does not
 * know (such a status is never terminal).
 *
 * <p>Any Jackson mapper with the JSR-310 module (Spring Boot's included) writes it as
 * {@code {"request_id", "status", "terminal", "job"}}, {@code job} in the API's own snake_case
 * form, so a {@code Flux<JobUpdate>} can be returned as Server-Sent Events as is.
 */
@JsonPropertyOrder({"request_id", "status", "terminal", "job"})
@JsonAutoDetect(getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class JobUpdate {

    private final String requestId;
    private final String status;
    private final JobState state;
    private final Job job;

    JobUpdate(String requestId, String status, JobState state, Job job) {
        this.requestId = requestId;
        this.status = status;
        this.state = state;
        this.job = job;
    }

    /** The job's request_id. */
    @JsonProperty("request_id")
    public String requestId() {
        return requestId;
    }

    /** The status as the service sent it, e.g. {@code IN_PROGRESS}. */
    @JsonProperty("status")
    public String status() {
        return status;
    }

    /** The status as a {@link JobState}; {@code UNKNOWN_DEFAULT_OPEN_API} if unrecognised. */
    public JobState state() {
        return state;
    }

    /** Whether the job has ended: {@code COMPLETED} or {@code FAILED}. */
    @JsonProperty("terminal")
    public boolean isTerminal() {
        return isTerminal(state);
    }

    /** Whether the job ended {@code COMPLETED}. */
    public boolean isCompleted() {
        return state == JobState.COMPLETED;
    }

    /** Whether the job ended {@code FAILED}. */
    public boolean isFailed() {
        return state == JobState.FAILED;
    }

    /**
     * The whole job, present on a terminal update (with {@code output} or {@code error}) and on the
     * first update of {@code submitAndWatch} (the submit's answer); empty otherwise.
     */
    public Optional<Job> job() {
        return Optional.ofNullable(job);
    }

    @JsonProperty("job")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private Job jobOrNull() {
        return job;
    }

    static boolean isTerminal(JobState state) {
        return state == JobState.COMPLETED || state == JobState.FAILED;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JobUpdate)) {
            return false;
        }
        JobUpdate other = (JobUpdate) o;
        return requestId.equals(other.requestId) && status.equals(other.status) && Objects.equals(job, other.job);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, status, job);
    }

    @Override
    public String toString() {
        return "JobUpdate{requestId=" + requestId + ", status=" + Failures.printable(status, 100)
                + (job == null ? "" : ", job attached") + '}';
    }
}
