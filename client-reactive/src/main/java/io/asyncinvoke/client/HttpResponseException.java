package io.asyncinvoke.client;

import java.util.Optional;

/**
 * An HTTP answer the client could not use: an error status from the API ({@link ApiException}) or
 * from a media host ({@link DownloadException}), or a body that is not what was expected
 * ({@link DecodeException}). Keeps the HTTP status, the rate-limit headers and the start of a body
 * that said nothing more useful, redacted and printable.
 */
public class HttpResponseException extends AsyncInvokeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final transient RateLimitInfo rateLimit;
    private final String bodySnippet;

    HttpResponseException(String message, String requestId, int statusCode, RateLimitInfo rateLimit,
                          String bodySnippet, Throwable cause) {
        super(message, requestId, cause);
        this.statusCode = statusCode;
        this.rateLimit = rateLimit == null ? RateLimitInfo.NONE : rateLimit;
        this.bodySnippet = bodySnippet;
    }

    /** The HTTP status code. */
    public int statusCode() {
        return statusCode;
    }

    /** The rate-limit headers of the answer (never {@code null}; may be empty). */
    public RateLimitInfo rateLimit() {
        return rateLimit;
    }

    /** The start of a body that was not the JSON expected, when there was one. */
    public Optional<String> bodySnippet() {
        return Optional.ofNullable(bodySnippet);
    }
}
