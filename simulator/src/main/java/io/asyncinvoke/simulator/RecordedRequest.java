package io.asyncinvoke.simulator;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the simulator received it, recorded in the {@link Journal}. The response fields
 * ({@link #status()}, {@link #fault()}, {@link #respondedAt()}) are filled in when the answer is
 * decided, so a request still being delayed or hung shows status 0.
 */
public final class RecordedRequest {

    private final long sequence;
    private final String method;
    private final String rawPath;
    private final Endpoint endpoint;
    private final String requestId;
    private final boolean authorizationPresent;
    private final boolean authorizationValid;
    private final Map<String, String> headers;
    private final String body;
    private final Instant receivedAt;
    private final Route route;
    private volatile int status;
    private volatile Fault fault;
    private volatile Instant respondedAt;

    RecordedRequest(long sequence, String method, String rawPath, Route route, boolean authorizationPresent,
            boolean authorizationValid, Map<String, String> headers, String body, Instant receivedAt) {
        this.sequence = sequence;
        this.method = method;
        this.rawPath = rawPath;
        this.route = route;
        this.endpoint = route.endpoint;
        this.requestId = route.requestId;
        this.authorizationPresent = authorizationPresent;
        this.authorizationValid = authorizationValid;
        this.headers = Collections.unmodifiableMap(headers);
        this.body = body;
        this.receivedAt = receivedAt;
    }

    /** Where the target leads, as the simulator's own dispatcher reads it. */
    Route route() {
        return route;
    }

    void respond(int status, Fault fault) {
        this.status = status;
        this.fault = fault;
        this.respondedAt = Instant.now();
    }

    /** Arrival order across both listeners, from 0. */
    public long sequence() {
        return sequence;
    }

    /** The HTTP method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /**
     * The request target exactly as received: still percent-encoded, with the query string if
     * one was sent (e.g. {@code /v1/async-invoke/a%2Fb/status}).
     */
    public String rawPath() {
        return rawPath;
    }

    /** What kind of request it was. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The request id from the path, percent-decoded once; null when the path carries none. */
    public String requestId() {
        return requestId;
    }

    /** Whether an {@code Authorization} header arrived. */
    public boolean authorizationPresent() {
        return authorizationPresent;
    }

    /**
     * Whether the {@code Authorization} header carried the API key in force: for API requests
     * whether it authenticated, for media requests whether the key leaked to the media host.
     */
    public boolean authorizationValid() {
        return authorizationValid;
    }

    /** The request headers, names lower-cased, repeated values joined with {@code ", "}. */
    public Map<String, String> headers() {
        return headers;
    }

    /** One request header by name (case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The request body as UTF-8 text, empty when none was sent. */
    public String body() {
        return body;
    }

    /** The HTTP status answered, or 0 when none was sent (yet): reset, hang, still delayed. */
    public int status() {
        return status;
    }

    /** The fault applied to this request, or null. */
    public Fault fault() {
        return fault;
    }

    /** When the request (with its body) was received. */
    public Instant receivedAt() {
        return receivedAt;
    }

    /** When the answer was decided, or null while pending. */
    public Instant respondedAt() {
        return respondedAt;
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + method + " " + rawPath + " [" + endpoint + "] -> " + status
                + (fault == null ? "" : " fault " + fault);
    }
}
