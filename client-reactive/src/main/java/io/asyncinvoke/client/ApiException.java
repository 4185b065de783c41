package io.asyncinvoke.client;

import java.util.Optional;

/**
 * The API answered with an error status. Keeps everything the server said: the HTTP status, the
 * error envelope's {@code id}, {@code message} and {@code request_id}, the rate-limit headers, and
 * a short snippet of a body that was not the JSON envelope (an HTML page from a proxy, say).
 *
 * <p>Subtypes name the statuses callers usually handle apart: {@link AuthenticationException}
 * (401/403), {@link NotFoundException} (404) and {@link RateLimitedException} (429).
 */
public class ApiException extends HttpResponseException {

    private static final long serialVersionUID = 1L;

    private final String errorId;
    private final String errorMessage;
    private final String errorRequestId;

    ApiException(String message, String requestId, int statusCode, String errorId, String errorMessage,
                 String errorRequestId, RateLimitInfo rateLimit, String bodySnippet) {
        super(message, requestId, statusCode, rateLimit, bodySnippet, null);
        this.errorId = errorId;
        this.errorMessage = errorMessage;
        this.errorRequestId = errorRequestId;
    }

    /** The error envelope's {@code id} (e.g. {@code not_found}), when the body had one. */
    public Optional<String> errorId() {
        return Optional.ofNullable(errorId);
    }

    /** The error envelope's {@code message}, when the body had one. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }

    /**
     * The error envelope's {@code request_id}: the identifier to quote to support, which is not the
     * job's id ({@link #requestId()}). Empty if absent.
     */
    public Optional<String> errorRequestId() {
        return Optional.ofNullable(errorRequestId);
    }
}
