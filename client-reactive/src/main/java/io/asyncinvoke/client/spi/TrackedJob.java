package io.asyncinvoke.client.spi;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.model.Job;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A job the application asked the client to keep track of, as a {@link JobStore} holds it: the
 * caller's key, the model, the request_id once known, where it is in its life, and which instance
 * owns it until when (its lease). Immutable; each {@code with...} returns the next version, with
 * {@link #version()} one higher, so that a store can compare and set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE,
        fieldVisibility = JsonAutoDetect.Visibility.NONE)
public final class TrackedJob {

    /** Where a tracked job is in its life. */
    public enum State {
        /** The intent is recorded; the submit may be on its way. Only its owner may send it. */
        SUBMITTING,
        /** The service accepted it: its request_id is known and it is being watched. */
        SUBMITTED,
        /** It ended (COMPLETED or FAILED) and waits for the completion handler. */
        FINISHED,
        /** The completion handler succeeded: nothing is left to do. */
        HANDLED,
        /**
         * The submit was sent but no usable answer came, or its sender died before recording one:
         * the job may or may not exist. Never resubmitted by the client.
         */
        OUTCOME_UNKNOWN,
        /** The service no longer knows the request_id (404): the job expired before it was seen ending. */
        EXPIRED,
        /** The completion handler kept failing; kept, visible, for a person to look at. */
        PARKED;

        /** Whether nothing more happens to a job in this state. */
        public boolean isFinal() {
            return this == HANDLED || this == OUTCOME_UNKNOWN || this == EXPIRED || this == PARKED;
        }
    }

    private static final ObjectMapper JSON = AsyncInvokeJson.newObjectMapper();

    /** The longest key {@link #checkKey} accepts. */
    public static final int MAX_KEY_LENGTH = 200;

    @JsonProperty("key")
    private final String key;
    @JsonProperty("model_id")
    private final String modelId;
    @JsonProperty("request_id")
    private final String requestId;
    @JsonProperty("state")
    private final State state;
    @JsonProperty("job")
    private final Job job;
    @JsonProperty("problem")
    private final String problem;
    @JsonProperty("attempts")
    private final int attempts;
    @JsonProperty("owner")
    private final String owner;
    @JsonProperty("lease_until")
    private final Instant leaseUntil;
    @JsonProperty("created_at")
    private final Instant createdAt;
    @JsonProperty("updated_at")
    private final Instant updatedAt;
    @JsonProperty("version")
    private final long version;

    @JsonCreator
    TrackedJob(@JsonProperty("key") String key, @JsonProperty("model_id") String modelId,
               @JsonProperty("request_id") String requestId, @JsonProperty("state") State state,
               @JsonProperty("job") Job job, @JsonProperty("problem") String problem,
               @JsonProperty("attempts") int attempts, @JsonProperty("owner") String owner,
               @JsonProperty("lease_until") Instant leaseUntil, @JsonProperty("created_at") Instant createdAt,
               @JsonProperty("updated_at") Instant updatedAt, @JsonProperty("version") long version) {
        this.key = checkKey(key);
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.requestId = requestId;
        this.state = Objects.requireNonNull(state, "state");
        this.job = job;
        this.problem = problem;
        this.attempts = attempts;
        this.owner = owner;
        this.leaseUntil = leaseUntil;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.version = version;
    }

    /** A new intent to submit to {@code modelId}: {@link State#SUBMITTING}, owned by {@code owner}, version 1. */
    public static TrackedJob submitting(String key, String modelId, String owner, Instant now) {
        return new TrackedJob(key, modelId, null, State.SUBMITTING, null, null, 0,
                Objects.requireNonNull(owner, "owner"), null, now, now, 1);
    }

    /** The caller's key: what makes tracking the same work twice send nothing the second time. */
    public String key() {
        return key;
    }

    /** The model the job runs. */
    public String modelId() {
        return modelId;
    }

    /** The job's request_id, once the service accepted it. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    public State state() {
        return state;
    }

    /** The job as it ended ({@link State#FINISHED} and after), with its output or error. */
    public Optional<Job> job() {
        return Optional.ofNullable(job);
    }

    /** What went wrong, for the states that say something did (unknown outcome, expired, parked). */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** How many times the completion handler was tried. */
    public int attempts() {
        return attempts;
    }

    /** The instance that owns the job now, if any. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /**
     * Until when the owner's lease lasts, as the store last said; for a job nobody owns, when it may
     * be taken next (a handler's backoff), if not at once.
     */
    public Optional<Instant> leaseUntil() {
        return Optional.ofNullable(leaseUntil);
    }

    public Optional<Instant> createdAt() {
        return Optional.ofNullable(createdAt);
    }

    public Optional<Instant> updatedAt() {
        return Optional.ofNullable(updatedAt);
    }

    /** Incremented by every change: a store replaces a record only from the version it expects. */
    public long version() {
        return version;
    }

    /** Whether an instance may take this job at {@code now}: it is unfinished and unowned, or its lease lapsed. */
    public boolean claimableAt(Instant now) {
        return !state.isFinal() && (leaseUntil == null || !leaseUntil.isAfter(now));
    }

    private TrackedJob next(String requestId, State state, Job job, String problem, int attempts, String owner,
                            Instant leaseUntil, Instant now) {
        return new TrackedJob(key, modelId, requestId, state, job, problem, attempts, owner, leaseUntil, createdAt, now,
                version + 1);
    }

    /** Accepted by the service as {@code requestId}. */
    public TrackedJob submitted(String requestId, Instant now) {
        return next(Objects.requireNonNull(requestId, "requestId"), State.SUBMITTED, null, null, attempts, owner,
                leaseUntil, now);
    }

    /** Seen ending as {@code job}. */
    public TrackedJob finished(Job job, Instant now) {
        return next(requestId, State.FINISHED, Objects.requireNonNull(job, "job"), null, attempts, owner, leaseUntil, now);
    }

    /** Handled: nothing left to do. */
    public TrackedJob handled(Instant now) {
        return next(requestId, State.HANDLED, job, null, attempts + 1, owner, leaseUntil, now);
    }

    /** The completion handler failed with {@code problem}; it will be tried again. */
    public TrackedJob handlerFailed(String problem, Instant now) {
        return next(requestId, State.FINISHED, job, problem, attempts + 1, owner, leaseUntil, now);
    }

    /** Given up on: in {@code state} ({@link State#OUTCOME_UNKNOWN}, {@link State#EXPIRED}, {@link State#PARKED}). */
    public TrackedJob given(State state, String problem, Instant now) {
        if (!state.isFinal() || state == State.HANDLED) {
            throw new IllegalArgumentException("not a state to give up in: " + state);
        }
        return next(requestId, state, job, Objects.requireNonNull(problem, "problem"),
                state == State.PARKED ? attempts + 1 : attempts, owner, leaseUntil, now);
    }

    /** Unchanged but for {@code problem}: what went wrong this time (a watch that failed and is tried again). */
    public TrackedJob noted(String problem, Instant now) {
        return next(requestId, state, job, Objects.requireNonNull(problem, "problem"), attempts, owner, leaseUntil, now);
    }

    /** A parked job put back in line for its handler, with its attempts counted from zero. */
    public TrackedJob requeued(Instant now) {
        if (state != State.PARKED) {
            throw new IllegalStateException("only a parked job can be requeued, not one " + state);
        }
        return next(requestId, State.FINISHED, job, problem, 0, owner, leaseUntil, now);
    }

    /**
     * The same record as a store holds it now: its lease ({@code owner} until {@code leaseUntil},
     * both {@code null} when nobody owns it) is the store's to keep, so it changes without a new
     * {@link #version()}. For {@link JobStore} implementations.
     */
    public TrackedJob withLease(String owner, Instant leaseUntil) {
        return new TrackedJob(key, modelId, requestId, state, job, problem, attempts, owner, leaseUntil, createdAt,
                updatedAt, version);
    }

    /**
     * Checks a caller's key: 1 to {@value #MAX_KEY_LENGTH} characters, none of them a control
     * character, not blank. Keys name records in a store shared by processes and appear in logs.
     */
    public static String checkKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a tracked job's key must not be blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a tracked job's key must have at most " + MAX_KEY_LENGTH
                    + " characters, not " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException("a tracked job's key must not contain control characters (found "
                        + String.format("U+%04X", (int) c) + " at index " + i + ")");
            }
        }
        return key;
    }

    /**
     * The record as JSON, the job in the API's own form, with the library's JSON settings: what a
     * {@link JobStore} keeps. {@link #fromJson} reads it back, ignoring fields it does not know.
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tracked job could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a record written by {@link #toJson()}. */
    public static TrackedJob fromJson(String json) {
        try {
            return JSON.readValue(json, TrackedJob.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a tracked job's JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TrackedJob)) {
            return false;
        }
        TrackedJob other = (TrackedJob) o;
        return key.equals(other.key) && version == other.version && state == other.state
                && Objects.equals(requestId, other.requestId) && Objects.equals(owner, other.owner)
                && Objects.equals(leaseUntil, other.leaseUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, version);
    }

    @Override
    public String toString() {
        return "TrackedJob{" + key + ", " + state + (requestId == null ? "" : ", " + requestId)
                + (owner == null ? "" : ", owner " + owner) + ", v" + version + '}';
    }
}
