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
 * A scripted {@link JobApi}: each status call answers the next scripted status (the last one
 * repeats), recording the (virtual) time of every call, so the watch logic can be tested without I/O.
 */
final class FakeJobApi implements JobApi {

    static final String ID = "6590784a-ce47-4556-9ff4-53baff2693fb";

    private final Deque<Object> script = new ArrayDeque<>();
    private final Deque<RateLimitInfo> rateLimits = new ArrayDeque<>();
    private Object last;
    String submitStatus = "QUEUED";
    String jobStatusOverride;
    Duration statusLatency = Duration.ZERO;
    final List<Long> statusCallMillis = new ArrayList<>();
    final AtomicInteger statusCalls = new AtomicInteger();
    final AtomicInteger jobCalls = new AtomicInteger();
    final AtomicInteger submitCalls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile int maxInFlight;

    /** Statuses to answer in order; a {@link Throwable} entry fails that call. */
    FakeJobApi script(Object... answers) {
        for (Object answer : answers) {
            script.add(answer);
        }
        return this;
    }

    /** Rate-limit headers for the next status answers, in order (then none). */
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
            return response(jobWith(submitStatus), submitStatus);
        });
    }

    @Override
    public Mono<ApiResponse<JobStatus>> status(String requestId) {
        return Mono.defer(() -> {
            statusCalls.incrementAndGet();
            statusCallMillis.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
            int now = inFlight.incrementAndGet();
            maxInFlight = Math.max(maxInFlight, now);
            Object answer = script.isEmpty() ? last : script.poll();
            last = answer;
            RateLimitInfo info = rateLimits.isEmpty() ? RateLimitInfo.NONE : rateLimits.poll();
            Mono<ApiResponse<JobStatus>> result = answer instanceof Throwable
                    ? Mono.error((Throwable) answer)
                    : Mono.just(new ApiResponse<>(new JobStatus().requestId(requestId)
                            .status(JobState.fromValue((String) answer)), (String) answer, info, 200));
            return (statusLatency.isZero() ? result : Mono.delay(statusLatency).then(result))
                    .doFinally(signal -> inFlight.decrementAndGet());
        });
    }

    @Override
    public Mono<ApiResponse<Job>> job(String requestId) {
        return Mono.fromCallable(() -> {
            jobCalls.incrementAndGet();
            String status = jobStatusOverride != null ? jobStatusOverride : String.valueOf(last);
            return response(jobWith(status), status);
        });
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

    private static ApiResponse<Job> response(Job job, String raw) {
        return new ApiResponse<>(job, raw, RateLimitInfo.NONE, 202);
    }
}
