package io.asyncinvoke.simulator;

/**
 * The kind of a request the simulator received, used to aim {@link Fault faults} and to query the
 * {@link Journal}.
 */
public enum Endpoint {
    /** {@code POST /v1/async-invoke}: submit a job. */
    SUBMIT,
    /** {@code GET /v1/async-invoke/{request_id}/status}: the light status call (documented only in a how-to guide). */
    STATUS,
    /** {@code GET /v1/async-invoke/{request_id}}: read the whole job (what watches poll by default). */
    GET,
    /** {@code GET /media/...} on the media listener: an output file. */
    MEDIA,
    /** Anything else: an unknown path or a method the path does not allow (answered 404 or 405). */
    OTHER,
    /**
     * Every request, whatever its kind. Only meaningful as a selector ({@link Fault#on(Endpoint)},
     * {@link Journal#count(Endpoint)}); no request is recorded with this kind.
     */
    ANY;

    boolean matches(Endpoint actual) {
        return this == ANY || this == actual;
    }
}
