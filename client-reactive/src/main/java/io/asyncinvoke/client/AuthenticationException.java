package io.asyncinvoke.client;

/** The service refused the API key (HTTP 401 or 403): missing, wrong, or revoked. Not retried. */
public final class AuthenticationException extends ApiException {

    private static final long serialVersionUID = 1L;

    AuthenticationException(String message, String requestId, int statusCode, String errorId, String errorMessage,
                            String errorRequestId, RateLimitInfo rateLimit, String bodySnippet) {
        super(message, requestId, statusCode, errorId, errorMessage, errorRequestId, rateLimit, bodySnippet);
    }
}
