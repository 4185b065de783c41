package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobStatus;
import reactor.core.publisher.Mono;

/**
 * The three calls, with retries applied and errors mapped to this library's exceptions. The watch
 * logic talks to this seam only, so it can be tested in virtual time without any I/O.
 */
interface JobApi {

    Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request);

    Mono<ApiResponse<JobStatus>> status(String requestId);

    Mono<ApiResponse<Job>> job(String requestId);
}
