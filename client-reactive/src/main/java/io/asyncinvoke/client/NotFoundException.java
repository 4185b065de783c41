package io.asyncinvoke.client;

/** No job with this request_id exists, or it expired (HTTP 404). Not retried. */
public final class NotFoundException extends ApiException {

    private static final long serialVersionUID = 1L;

    NotFoundException(String message, String requestId, int statusCode, String errorId, String errorMessage,
                      String errorRequestId, RateLimitInfo rateLimit, String bodySnippet) {
        super(message, requestId, statusCode, errorId, errorMessage, errorRequestId, rateLimit, bodySnippet);
    }
}
