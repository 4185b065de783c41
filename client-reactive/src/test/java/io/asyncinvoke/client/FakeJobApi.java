package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A scripted {@link JobApi}: each poll answers the next scripted status (the last one repeats),
 * recording the (virtual) time of every poll, so the watch logic can be tested without I/O. A poll
 * is a status call, or a job call that does not follow a terminal status (a watch polling the whole
 * job); a job call right after a terminal status is the final read of a status watch and answers
 * the last status again (or {@link #jobStatusOverride}).
 */
final class FakeJobApi implements JobApi {

    static final String ID = "6590784a-ce47-4556-9ff4-53baff2693fb";

    private final Deque<Object> script = new ArrayDeque<>();
    private final Deque<RateLimitInfo> rateLimits = new ArrayDeque<>();
    private Object last;
    private boolean terminalStatusAnswered;
    String submitStatus = "QUEUED";
    String jobStatusOverride;
    /** A failure every status call answers (e.g. a 404 of a service without the status call). */
    Throwable statusFailure;
    Duration pollLatency = Duration.ZERO;
    final List<Long> pollMillis = new ArrayList<>();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger statusCalls = new AtomicInteger();
    final AtomicInteger jobCalls = new AtomicInteger();
    final AtomicInteger submitCalls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile int maxInFlight;

    /** Statuses to answer in order; a {@link Throwable} entry fails that poll. */
    FakeJobApi script(Object... answers) {
        for (Object answer : answers) {
            script.add(answer);
        }
        return this;
    }

    /** Rate-limit headers for the next poll answers, in order (then none). */
    FakeJobApi rateLimits(RateLimitInfo... infos) {
        for (RateLimitInfo info : infos) {
            rateLimits.add(info);
        }
        return this;
    }

    @Override
    public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
        return Mono.fromCallable(() -> {
            submitCalls.incrementAndGet();
            return response(jobWith(submitStatus), submitStatus, RateLimitInfo.NONE);
        });
    }

    @Override
    public Mono<ApiResponse<JobStatus>> status(String requestId) {
        return Mono.defer(() -> {
            statusCalls.incrementAndGet();
            if (statusFailure != null) {
                return Mono.error(statusFailure);
            }
            return poll(answer -> {
                terminalStatusAnswered = JobUpdate.isTerminal(JobState.fromValue(answer));
                return new ApiResponse<>(new JobStatus().requestId(requestId).status(JobState.fromValue(answer)),
                        answer, nextRateLimit(), null);
            });
        });
    }

    @Override
    public Mono<ApiResponse<Job>> job(String requestId) {
        return Mono.defer(() -> {
            jobCalls.incrementAndGet();
            if (terminalStatusAnswered) {
                terminalStatusAnswered = false;
                String status = jobStatusOverride != null ? jobStatusOverride : String.valueOf(last);
                return Mono.just(response(jobWith(status), status, RateLimitInfo.NONE));
            }
            return poll(answer -> response(jobWith(answer), answer, nextRateLimit()));
        });
    }

    private <T> Mono<T> poll(java.util.function.Function<String, T> answerWith) {
        polls.incrementAndGet();
        pollMillis.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
        int now = inFlight.incrementAndGet();
        maxInFlight = Math.max(maxInFlight, now);
        Object answer = script.isEmpty() ? last : script.poll();
        last = answer;
        Mono<T> result = answer instanceof Throwable
                ? Mono.error((Throwable) answer)
                : Mono.fromCallable(() -> answerWith.apply((String) answer));
        return (pollLatency.isZero() ? result : Mono.delay(pollLatency).then(result))
                .doFinally(signal -> inFlight.decrementAndGet());
    }

    private RateLimitInfo nextRateLimit() {
        return rateLimits.isEmpty() ? RateLimitInfo.NONE : rateLimits.poll();
    }

    static Job jobWith(String status) {
        Job job = new Job().requestId(ID).status(JobState.fromValue(status)).modelId("fal-ai/flux/schnell")
                .createdAt(OffsetDateTime.parse("2026-01-22T19:19:19.112403432Z"));
        if (status.equals("COMPLETED")) {
            job.output(Map.of("images", List.of(Map.of("url", "https://media.example/a.png"))));
        } else if (status.equals("FAILED")) {
            job.error("prompt rejected by the safety checker");
        }
        return job;
    }

    private static ApiResponse<Job> response(Job job, String raw, RateLimitInfo info) {
        return new ApiResponse<>(job, raw, info, null);
    }
}
