package io.asyncinvoke.client.spi;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobStatus;
import reactor.core.publisher.Mono;

/**
 * Where a client's three calls go in place of HTTP
 * ({@link io.asyncinvoke.client.AsyncInvokeClientBuilder#transport(JobTransport)}): for tests and
 * simulations of code that uses the client, run in virtual time
 * ({@code StepVerifier.withVirtualTime}), where no socket can take part.
 *
 * <p>The client keeps everything of its own — input checks, watches and their schedule (adaptive
 * or not), timeouts, the errors a call ends with — and applies none of its HTTP policies: no
 * retries, no request budget, no rate-limit headers. An error a transport emits reaches the caller
 * as is. Output downloads still go over HTTP to the URLs in the jobs.
 */
public interface JobTransport {

    /** {@code POST /v1/async-invoke}: the job as accepted. */
    Mono<Job> submit(AsyncInvokeRequest request);

    /** {@code GET /v1/async-invoke/{request_id}/status}. */
    Mono<JobStatus> status(String requestId);

    /** {@code GET /v1/async-invoke/{request_id}}. */
    Mono<Job> job(String requestId);
}
