package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.JobTransport;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import reactor.core.publisher.Mono;

/** A {@link JobTransport} in place of {@link HttpJobApi}: answers as given, without headers. */
final class TransportJobApi implements JobApi {

    private final JobTransport transport;

    TransportJobApi(JobTransport transport) {
        this.transport = transport;
    }

    @Override
    public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
        return transport.submit(request).map(job -> new ApiResponse<>(job, raw(job.getStatus()), RateLimitInfo.NONE, null));
    }

    @Override
    public Mono<ApiResponse<JobStatus>> status(String requestId) {
        return transport.status(requestId)
                .map(status -> new ApiResponse<>(status, raw(status.getStatus()), RateLimitInfo.NONE, null));
    }

    @Override
    public Mono<ApiResponse<Job>> job(String requestId) {
        return transport.job(requestId).map(job -> new ApiResponse<>(job, raw(job.getStatus()), RateLimitInfo.NONE, null));
    }

    private static String raw(JobState state) {
        return state == null ? "null" : state.getValue();
    }

    @Override
    public String toString() {
        return "TransportJobApi{" + transport + '}';
    }
}
