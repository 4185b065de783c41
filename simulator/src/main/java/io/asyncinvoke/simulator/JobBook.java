package io.asyncinvoke.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The simulated service's jobs: their creation (request id, output shape, how long each phase
 * lasts), their fate (the failures scripted with {@link #failNext} and {@link #failWhere}, a status
 * forced by {@link #override}, expiry) and what a read sees at a given time. Thread-safe; never
 * blocks, since submits and reads arrive on event-loop threads.
 */
final class JobBook {

    /** A job and what a read at one instant sees of it. */
    record Read(SimJob job, SimJob.View view) {
    }

    private final ConcurrentHashMap<String, SimJob> jobs = new ConcurrentHashMap<>();
    private final Random idRandom;
    private final Random outputRandom;
    private final Supplier<Duration> queued;
    private final Supplier<Duration> running;
    private final Map<String, Supplier<Duration>> queuedByModel;
    private final Map<String, Supplier<Duration>> runningByModel;
    private final Map<String, Family> families;
    private final ConcurrentLinkedQueue<String> failNext = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Map.Entry<Predicate<AsyncInvokeRequest>, String>> failWhere =
            new CopyOnWriteArrayList<>();

    JobBook(Random idRandom, Random outputRandom, Supplier<Duration> queued, Supplier<Duration> running,
            Map<String, Supplier<Duration>> queuedByModel, Map<String, Supplier<Duration>> runningByModel,
            Map<String, Family> families) {
        this.idRandom = idRandom;
        this.outputRandom = outputRandom;
        this.queued = queued;
        this.running = running;
        this.queuedByModel = Map.copyOf(queuedByModel);
        this.runningByModel = Map.copyOf(runningByModel);
        this.families = Map.copyOf(families);
    }

    // ------------------------------------------------------------------ creation and fate

    /** A new job for a valid submit, its fate decided now. */
    SimJob create(AsyncInvokeRequest request, JsonNode input) {
        String failure = fate(request);
        String model = request.getModelId();
        Family family = families.getOrDefault(model, Family.guess(model));
        long queuedNanos = queuedByModel.getOrDefault(model, queued).get().toNanos();
        long runningNanos = runningByModel.getOrDefault(model, running).get().toNanos();
        long seed = outputRandom.nextLong();
        while (true) {
            SimJob job = new SimJob(Ids.uuid(idRandom), model, family, input, Instant.now(), System.nanoTime(),
                    queuedNanos, runningNanos, failure, seed);
            if (jobs.putIfAbsent(job.requestId, job) == null) {
                return job;
            }
        }
    }

    /** The error a job of {@code request} ends with, or null when it completes. */
    private String fate(AsyncInvokeRequest request) {
        String failure = failNext.poll();
        if (failure != null) {
            return failure;
        }
        for (Map.Entry<Predicate<AsyncInvokeRequest>, String> rule : failWhere) {
            if (rule.getKey().test(request)) {
                return rule.getValue();
            }
        }
        return null;
    }

    void failWhere(Predicate<AsyncInvokeRequest> predicate, String errorMessage) {
        failWhere.add(Map.entry(Objects.requireNonNull(predicate, "predicate"),
                Objects.requireNonNull(errorMessage, "errorMessage")));
    }

    void failNext(int n, String errorMessage) {
        Objects.requireNonNull(errorMessage, "errorMessage");
        for (int i = 0; i < n; i++) {
            failNext.add(errorMessage);
        }
    }

    void clearFailures() {
        failNext.clear();
        failWhere.clear();
    }

    /** Forces the status job {@code requestId} reports from {@code nowNanos} on; false when there is no such job. */
    boolean override(String requestId, String rawStatus, long nowNanos) {
        Objects.requireNonNull(rawStatus, "rawStatus");
        SimJob job = jobs.get(requestId);
        if (job == null) {
            return false;
        }
        job.override(rawStatus, nowNanos);
        return true;
    }

    /** Forgets a job; false when it did not exist. */
    boolean expire(String requestId) {
        return jobs.remove(requestId) != null;
    }

    // ------------------------------------------------------------------ views

    /** What a read of {@code requestId} at {@code nowNanos} sees, or null for an unknown or expired job. */
    Read read(String requestId, long nowNanos) {
        SimJob job = requestId == null ? null : jobs.get(requestId);
        return job == null ? null : new Read(job, job.view(nowNanos));
    }

    /** How many jobs exist (submitted and not expired). */
    int size() {
        return jobs.size();
    }
}
