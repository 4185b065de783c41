package io.asyncinvoke.client;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads the rate-limit headers of a response, tolerating absent or garbled values. */
final class RateLimits {

    /** {@code ratelimit-reset} below this is a number of seconds from now, above it epoch seconds. */
    private static final long EPOCH_SECONDS_THRESHOLD = 1_000_000_000L;
    /** 9999-12-31T23:59:59Z: a later reset is garbled, and ignored (it would not fit an Instant or epoch millis). */
    private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    private RateLimits() {
    }

    static RateLimitInfo parse(HttpHeaders headers, long nowMillis) {
        String limit = headers.get("ratelimit-limit");
        String remaining = headers.get("ratelimit-remaining");
        String reset = headers.get("ratelimit-reset");
        String retryAfter = headers.get("retry-after");
        if (limit == null && remaining == null && reset == null && retryAfter == null) {
            return RateLimitInfo.NONE;
        }
        Long resetValue = leadingLong(reset);
        Instant resetAt = null;
        if (resetValue != null) {
            if (resetValue < EPOCH_SECONDS_THRESHOLD) {
                resetAt = Instant.ofEpochMilli(nowMillis).plusSeconds(resetValue);
            } else if (resetValue <= MAX_EPOCH_SECONDS) {
                resetAt = Instant.ofEpochSecond(resetValue);
            }
        }
        return new RateLimitInfo(toInt(leadingLong(limit)), toInt(leadingLong(remaining)), resetAt,
                retryAfter(retryAfter, nowMillis));
    }

    /** {@code Retry-After} is either delta-seconds or an HTTP-date. */
    static Duration retryAfter(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Long seconds = leadingLong(value);
        if (seconds != null && value.trim().chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(seconds);
        }
        try {
            long millis = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                    .toEpochMilli() - nowMillis;
            return Duration.ofMillis(Math.max(0, millis));
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    /** The integer a header value starts with ({@code "250"}, {@code "250, 250;w=60"}), or null; parsed in place. */
    private static Long leadingLong(String value) {
        if (value == null) {
            return null;
        }
        int i = 0;
        int length = value.length();
        while (i < length && Character.isWhitespace(value.charAt(i))) {
            i++;
        }
        long result = 0;
        int digits = 0;
        while (i < length && digits < 18) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            result = result * 10 + (c - '0');
            digits++;
            i++;
        }
        return digits == 0 ? null : result;
    }

    private static Integer toInt(Long value) {
        return value == null ? null : (int) Math.min(Integer.MAX_VALUE, value);
    }
}
