package io.asyncinvoke.spring.ai;

import io.asyncinvoke.model.Job;
import org.springframework.ai.model.MutableResponseMetadata;

/** What every response's metadata says of its job. */
final class JobMetadata {

    /** The job's request_id. */
    static final String REQUEST_ID = "request_id";
    /** The model id. */
    static final String MODEL = "model";
    /** The job's final status, as the service wrote it. */
    static final String STATUS = "status";

    private JobMetadata() {
    }

    static void put(MutableResponseMetadata metadata, Job job) {
        metadata.put(REQUEST_ID, job.getRequestId());
        if (job.getModelId() != null) {
            metadata.put(MODEL, job.getModelId());
        }
        if (job.getStatus() != null) {
            metadata.put(STATUS, job.getStatus().getValue());
        }
        if (job.getCreatedAt() != null) {
            metadata.put("created_at", job.getCreatedAt().toString());
        }
        if (job.getCompletedAt() != null) {
            metadata.put("completed_at", job.getCompletedAt().toString());
        }
    }
}
