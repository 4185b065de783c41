package io.asyncinvoke.client;

/**
 * A media host answered a download with an error status (an expired presigned URL answers 403 or
 * 404, say), after the retries {@link RetryOptions} allows for 429 and 5xx. Nothing was saved.
 *
 * <p>This is the media host's answer, not the API's: a 401 or 403 here says nothing about the API
 * key, which is never sent to media hosts. {@link #url()} omits the query string, which may carry a
 * signature.
 */
public final class DownloadException extends HttpResponseException {

    private static final long serialVersionUID = 1L;

    private final String url;

    DownloadException(String message, String requestId, int statusCode, RateLimitInfo rateLimit, String bodySnippet,
                      String url) {
        super(message, requestId, statusCode, rateLimit, bodySnippet, null);
        this.url = url;
    }

    /** The URL that failed, without its query string. */
    public String url() {
        return url;
    }
}
