package io.asyncinvoke.client;

/** A decoded 2xx answer with what the schedule needs from its headers. */
final class ApiResponse<T> {

    final T value;
    /** The {@code status} field as the service spelled it (for jobs and statuses). */
    final String rawStatus;
    final RateLimitInfo rateLimit;
    final int statusCode;

    ApiResponse(T value, String rawStatus, RateLimitInfo rateLimit, int statusCode) {
        this.value = value;
        this.rawStatus = rawStatus;
        this.rateLimit = rateLimit;
        this.statusCode = statusCode;
    }
}
