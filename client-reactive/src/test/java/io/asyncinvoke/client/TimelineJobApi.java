package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link JobApi} whose jobs follow a timeline on the (virtual) clock: the n-th submitted job is
 * created at its submit and completes {@code durationSeconds(n)} later (QUEUED for the first tenth).
 * Each job records the times of its polls — status or whole-job reads made while it was not yet
 * seen terminal, the one that saw it terminal included — so tests hold whichever endpoint the
 * watcher polls.
 */
final class TimelineJobApi implements JobApi {

    static final OffsetDateTime EPOCH = OffsetDateTime.parse("2026-01-22T19:00:00Z");

    /** One job's timeline and what the watch did with it. */
    static final class TimedJob {
        final String id;
        final String model;
        final long createdNanos;
        final long durationNanos;
        final List<Long> pollNanos = new ArrayList<>();
        boolean terminalSeen;

        TimedJob(String id, String model, long createdNanos, long durationNanos) {
            this.id = id;
            this.model = model;
            this.createdNanos = createdNanos;
            this.durationNanos = durationNanos;
        }

        long completedNanos() {
            return createdNanos + durationNanos;
        }

        /** Seconds from the completion to the poll that saw it. */
        double delaySeconds() {
            return (pollNanos.get(pollNanos.size() - 1) - completedNanos()) / 1e9;
        }

        /** Seconds between consecutive requests about this job, the submit first. */
        List<Double> gapsSeconds() {
            List<Double> gaps = new ArrayList<>();
            long previous = createdNanos;
            for (long at : pollNanos) {
                gaps.add((at - previous) / 1e9);
                previous = at;
            }
            return gaps;
        }
    }

    private final String model;
    private final IntToDoubleFunction durationSeconds;
    final Map<String, TimedJob> jobs = new LinkedHashMap<>();

    TimelineJobApi(String model, IntToDoubleFunction durationSeconds) {
        this.model = model;
        this.durationSeconds = durationSeconds;
    }

    List<TimedJob> jobs() {
        return new ArrayList<>(jobs.values());
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }

    @Override
    public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
        return Mono.fromCallable(() -> {
            int n = jobs.size();
            TimedJob job = new TimedJob("job-" + n, model, now(), (long) (durationSeconds.applyAsDouble(n) * 1e9));
            jobs.put(job.id, job);
            return new ApiResponse<>(body(job, JobState.QUEUED), "QUEUED", RateLimitInfo.NONE, null);
        });
    }

    @Override
    public Mono<ApiResponse<JobStatus>> status(String requestId) {
        return Mono.fromCallable(() -> {
            JobState state = poll(requestId);
            return new ApiResponse<>(new JobStatus().requestId(requestId).status(state), state.getValue(),
                    RateLimitInfo.NONE, null);
        });
    }

    @Override
    public Mono<ApiResponse<Job>> job(String requestId) {
        return Mono.fromCallable(() -> {
            JobState state = poll(requestId);
            return new ApiResponse<>(body(jobs.get(requestId), state), state.getValue(), RateLimitInfo.NONE, null);
        });
    }

    private JobState poll(String requestId) {
        TimedJob job = jobs.get(requestId);
        JobState state = state(job);
        if (!job.terminalSeen) {
            job.pollNanos.add(now());
            job.terminalSeen = state == JobState.COMPLETED;
        }
        return state;
    }

    private static JobState state(TimedJob job) {
        long age = now() - job.createdNanos;
        return age < job.durationNanos / 10 ? JobState.QUEUED
                : age < job.durationNanos ? JobState.IN_PROGRESS : JobState.COMPLETED;
    }

    private static Job body(TimedJob job, JobState state) {
        Job body = new Job().requestId(job.id).modelId(job.model).status(state).createdAt(EPOCH.plusNanos(job.createdNanos));
        if (state == JobState.COMPLETED) {
            body.completedAt(EPOCH.plusNanos(job.completedNanos())).output(Map.of("seed", 1));
        }
        return body;
    }
}
