package io.asyncinvoke.client;

/**
 * A decoded 2xx answer with what the watch needs from its headers.
 *
 * @param rawStatus the {@code status} field as the service spelled it (for jobs and statuses)
 * @param source    the attempt that brought it, so that events about it name their exchange; {@code null} from fakes
 */
record ApiResponse<T>(T value, String rawStatus, RateLimitInfo rateLimit, Call.Attempt source) {
}
