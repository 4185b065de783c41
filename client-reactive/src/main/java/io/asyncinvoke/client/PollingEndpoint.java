package io.asyncinvoke.client;

/** Which call a watch polls ({@link PollingOptions#withEndpoint(PollingEndpoint)}). */
public enum PollingEndpoint {
    /**
     * {@code GET /v1/async-invoke/{request_id}}, the call the vendor's SDK and CLI read a job with.
     * The answer that shows a terminal status carries the output or error itself, so no further
     * read follows. The default.
     */
    JOB,
    /**
     * The light {@code GET /v1/async-invoke/{request_id}/status}, documented only in a how-to
     * guide; once it reports a terminal status, one {@code GET} of the whole job follows. When it
     * answers 404, 405 or 501 for a job that {@code GET} by id knows, the client polls the whole
     * job instead for the rest of its life (logged once at INFO).
     */
    STATUS
}
