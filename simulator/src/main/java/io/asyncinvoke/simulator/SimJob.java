package io.asyncinvoke.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.JobState;
import java.time.Instant;

/**
 * One job. Its state is computed when read, from the time since submit: no timer per job, so
 * tens of thousands of jobs cost a few hundred bytes each.
 */
final class SimJob {

    final String requestId;
    final String modelId;
    final Family family;
    final String prompt;
    final Instant createdAt;
    final long createdNanos;
    final long queuedNanos;
    final long runningNanos;
    /** Non-null: the job ends FAILED with this error. */
    final String failMessage;
    final long seed;
    // output shape, decided at submit
    final int imageCount;
    final int width;
    final int height;
    final int audioSeconds;
    final int speechFrames;

    private volatile String overrideStatus;
    private volatile long overriddenNanos;
    /** When an override first took the job past QUEUED (0: never). */
    private volatile long forcedStartNanos;

    SimJob(String requestId, String modelId, Family family, JsonNode input, Instant createdAt, long createdNanos,
            long queuedNanos, long runningNanos, String failMessage, long randomSeed) {
        this.requestId = requestId;
        this.modelId = modelId;
        this.family = family;
        this.createdAt = createdAt;
        this.createdNanos = createdNanos;
        this.queuedNanos = Math.max(0, queuedNanos);
        this.runningNanos = Math.max(0, runningNanos);
        this.failMessage = failMessage;
        JsonNode prompt = input.get("prompt");
        this.prompt = prompt != null && prompt.isTextual() ? prompt.textValue() : null;
        JsonNode seed = input.get("seed");
        this.seed = seed != null && seed.canConvertToLong() ? seed.longValue() : Math.floorMod(randomSeed, 1L << 31);
        int[] size = Outputs.imageSize(input);
        this.width = size[0];
        this.height = size[1];
        this.imageCount = Outputs.imageCount(input);
        this.audioSeconds = Outputs.audioSeconds(input);
        this.speechFrames = Outputs.speechFrames(input);
    }

    synchronized void override(String rawStatus, long nowNanos) {
        JobState state = JobState.fromValue(rawStatus);
        if (forcedStartNanos == 0 && state != JobState.QUEUED && state != JobState.UNKNOWN_DEFAULT_OPEN_API) {
            forcedStartNanos = nowNanos;
        }
        this.overriddenNanos = nowNanos;
        this.overrideStatus = rawStatus;
    }

    private Instant at(long nanos) {
        return createdAt.plusNanos(Math.max(0, nanos - createdNanos));
    }

    /** The state the timeline gives at {@code nowNanos}. */
    JobState timelineState(long nowNanos) {
        long elapsed = nowNanos - createdNanos;
        if (elapsed < queuedNanos) {
            return JobState.QUEUED;
        }
        if (elapsed < queuedNanos + runningNanos) {
            return JobState.IN_PROGRESS;
        }
        return failMessage == null ? JobState.COMPLETED : JobState.FAILED;
    }

    /** What a read at {@code nowNanos} sees. */
    View view(long nowNanos) {
        String forced = overrideStatus;
        Instant scheduledStart = createdAt.plusNanos(queuedNanos);
        Instant scheduledEnd = scheduledStart.plusNanos(runningNanos);
        if (forced == null) {
            JobState state = timelineState(nowNanos);
            return new View(state.getValue(), state,
                    state == JobState.QUEUED ? null : scheduledStart,
                    state == JobState.COMPLETED || state == JobState.FAILED ? scheduledEnd : null,
                    failMessage);
        }
        JobState state = JobState.fromValue(forced);
        if (state == JobState.UNKNOWN_DEFAULT_OPEN_API) {
            // an unknown status value: timestamps follow the timeline, no output, no error
            JobState timeline = timelineState(nowNanos);
            return new View(forced, state,
                    timeline == JobState.QUEUED ? null : scheduledStart,
                    timeline == JobState.COMPLETED || timeline == JobState.FAILED ? scheduledEnd : null,
                    null);
        }
        Instant forcedAt = at(overriddenNanos);
        Instant forcedStart = forcedStartNanos == 0 ? forcedAt : at(forcedStartNanos);
        Instant started = scheduledStart.isBefore(forcedStart) ? scheduledStart : forcedStart;
        Instant ended = scheduledEnd.isBefore(forcedAt) ? scheduledEnd : forcedAt;
        if (ended.isBefore(started)) {
            ended = started;
        }
        boolean terminal = state == JobState.COMPLETED || state == JobState.FAILED;
        return new View(forced, state, state == JobState.QUEUED ? null : started, terminal ? ended : null,
                failMessage != null ? failMessage : "Job failed");
    }

    /** A read of the job: the status string as served and the fields that go with it. */
    static final class View {
        final String status;
        final JobState state;
        final Instant startedAt;
        final Instant completedAt;
        final String error;

        View(String status, JobState state, Instant startedAt, Instant completedAt, String error) {
            this.status = status;
            this.state = state;
            this.startedAt = startedAt;
            this.completedAt = completedAt;
            this.error = state == JobState.FAILED ? error : null;
        }

        boolean completed() {
            return state == JobState.COMPLETED;
        }
    }
}
