package io.asyncinvoke.client;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the rate-limit headers of a response, tolerating absent or garbled values: both families
 * the service is documented with ({@code ratelimit-*} and {@code x-ratelimit-*-requests}, plus the
 * token-metered {@code x-ratelimit-*-tokens-per-minute} / {@code -per-day}) and
 * {@code Retry-After}, in one pass over the headers.
 */
final class RateLimits {

    /** {@code ratelimit-reset} below this is a number of seconds from now, above it epoch seconds. */
    private static final long EPOCH_SECONDS_THRESHOLD = 1_000_000_000L;
    /** 9999-12-31T23:59:59Z: a later reset is garbled, and ignored (it would not fit an Instant or epoch millis). */
    private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    private static final String X_PREFIX = "x-ratelimit-";

    private RateLimits() {
    }

    static RateLimitInfo parse(HttpHeaders headers, long nowMillis) {
        if (headers.isEmpty()) {
            return RateLimitInfo.NONE;
        }
        // [0..2]: ratelimit-limit/remaining/reset; [3..5]: x-...-requests; [6..8]: tokens per minute;
        // [9..11]: tokens per day; [12]: retry-after
        String[] found = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            int slot = slot(header.getKey());
            if (slot >= 0) {
                if (found == null) {
                    found = new String[13];
                }
                found[slot] = header.getValue().toString();
            }
        }
        if (found == null) {
            return RateLimitInfo.NONE;
        }
        Integer limit = toInt(leadingLong(found[0]));
        Integer remaining = toInt(leadingLong(found[1]));
        Instant reset = reset(found[2], nowMillis);
        Integer xLimit = toInt(leadingLong(found[3]));
        Integer xRemaining = toInt(leadingLong(found[4]));
        Instant xReset = reset(found[5], nowMillis);
        // Two families may both be present: believe the tighter one.
        boolean xBinds = xRemaining != null && (remaining == null || xRemaining < remaining
                || xRemaining.equals(remaining) && later(xReset, reset));
        return new RateLimitInfo(min(limit, xLimit), xBinds ? xRemaining : remaining != null ? remaining : xRemaining,
                xBinds ? xReset : reset != null ? reset : xReset, retryAfter(found[12], nowMillis),
                quota(found, 6, nowMillis), quota(found, 9, nowMillis));
    }

    /** Where a header goes in {@code found}, or -1 for a header that is not about rate limits. */
    private static int slot(CharSequence name) {
        int length = name.length();
        if (length < 11) {
            return -1;
        }
        char first = name.charAt(0);
        if (first == 'r' || first == 'R') {
            if (equalsIgnoreCase(name, "retry-after")) {
                return 12;
            }
            return equalsIgnoreCase(name, "ratelimit-limit") ? 0 : equalsIgnoreCase(name, "ratelimit-remaining") ? 1
                    : equalsIgnoreCase(name, "ratelimit-reset") ? 2 : -1;
        }
        if ((first != 'x' && first != 'X') || length < 20
                || !AsciiString.regionMatches(name, true, 0, X_PREFIX, 0, X_PREFIX.length())) {
            return -1;
        }
        int kind = AsciiString.regionMatches(name, true, 12, "limit-", 0, 6) ? 0
                : AsciiString.regionMatches(name, true, 12, "remaining-", 0, 10) ? 1
                : AsciiString.regionMatches(name, true, 12, "reset-", 0, 6) ? 2 : -1;
        if (kind < 0) {
            return -1;
        }
        int at = 12 + (kind == 0 ? 6 : kind == 1 ? 10 : 6);
        int rest = length - at;
        if (rest == 8 && AsciiString.regionMatches(name, true, at, "requests", 0, 8)) {
            return 3 + kind;
        }
        if (rest == 17 && AsciiString.regionMatches(name, true, at, "tokens-per-minute", 0, 17)) {
            return 6 + kind;
        }
        if (rest == 14 && AsciiString.regionMatches(name, true, at, "tokens-per-day", 0, 14)) {
            return 9 + kind;
        }
        return -1;
    }

    private static boolean equalsIgnoreCase(CharSequence name, String expected) {
        return name.length() == expected.length() && AsciiString.contentEqualsIgnoreCase(name, expected);
    }

    private static RateLimitInfo.TokenQuota quota(String[] found, int from, long nowMillis) {
        Long limit = leadingLong(found[from]);
        Long remaining = leadingLong(found[from + 1]);
        Instant reset = reset(found[from + 2], nowMillis);
        return limit == null && remaining == null && reset == null ? null
                : new RateLimitInfo.TokenQuota(limit, remaining, reset);
    }

    /** A reset given as seconds from now (small values, {@code 0} included) or as epoch seconds. */
    private static Instant reset(String value, long nowMillis) {
        Long seconds = leadingLong(value);
        if (seconds == null) {
            return null;
        }
        if (seconds < EPOCH_SECONDS_THRESHOLD) {
            return Instant.ofEpochMilli(nowMillis).plusSeconds(seconds);
        }
        return seconds <= MAX_EPOCH_SECONDS ? Instant.ofEpochSecond(seconds) : null;
    }

    private static boolean later(Instant a, Instant b) {
        return a != null && (b == null || a.isAfter(b));
    }

    private static Integer min(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
    }

    /** {@code Retry-After} is either delta-seconds or an HTTP-date; clamped to {@link RateLimitInfo#MAX_SERVER_WAIT}. */
    static Duration retryAfter(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // leadingLong reads at most 18 digits: more can only be absurdly long anyway
            return trimmed.length() > 18 ? RateLimitInfo.MAX_SERVER_WAIT
                    : RateLimitInfo.clamp(Duration.ofSeconds(leadingLong(trimmed)));
        }
        try {
            long millis = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                    .toEpochMilli() - nowMillis;
            return RateLimitInfo.clamp(Duration.ofMillis(Math.max(0, millis)));
        } catch (DateTimeParseException | ArithmeticException notADate) {
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
