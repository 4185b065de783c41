package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * What one client knows about the light {@code /status} call, which only a how-to guide
 * documents: once it answered 404, 405 or 501 for a job that {@code GET} by id knows, the client
 * reads the whole job instead, for the rest of its life.
 */
final class StatusEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(StatusEndpoint.class);

    private final JobApi api;
    private final AtomicBoolean missing = new AtomicBoolean();

    StatusEndpoint(JobApi api) {
        this.api = api;
    }

    boolean isMissing() {
        return missing.get();
    }

    /** A status read: the light call while it is served, the whole job once it is not. */
    Mono<ApiResponse<JobStatus>> read(String requestId) {
        if (missing.get()) {
            return api.job(requestId).map(StatusEndpoint::asStatus);
        }
        return api.status(requestId)
                .onErrorResume(StatusEndpoint::isMissingAnswer, failure -> readJobInstead(requestId, failure)
                        .map(StatusEndpoint::asStatus));
    }

    /**
     * The whole job, read because {@code /status} answered {@code failure} (see
     * {@link #isMissingAnswer}); when that read succeeds, the call is known to be missing. When it
     * fails too (a 404: the job is unknown), its own error is the answer.
     */
    Mono<ApiResponse<Job>> readJobInstead(String requestId, Throwable failure) {
        return api.job(requestId).doOnNext(answer -> markMissing(requestId, ((ApiException) failure).statusCode()));
    }

    /** An answer that says the call itself is not served, as opposed to a failure of this one request. */
    static boolean isMissingAnswer(Throwable failure) {
        if (!(failure instanceof ApiException)) {
            return false;
        }
        int status = ((ApiException) failure).statusCode();
        return status == 404 || status == 405 || status == 501;
    }

    private void markMissing(String requestId, int status) {
        if (missing.compareAndSet(false, true)) {
            LOG.info("GET .../{}/status answered HTTP {} for a job that GET /v1/async-invoke/{} knows: this client"
                    + " reads the whole job from now on", requestId, status, requestId);
        }
    }

    private static ApiResponse<JobStatus> asStatus(ApiResponse<Job> answer) {
        JobStatus status = new JobStatus().requestId(answer.value().getRequestId()).status(answer.value().getStatus());
        return new ApiResponse<>(status, answer.rawStatus(), answer.rateLimit(), answer.source());
    }
}
