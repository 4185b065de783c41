package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.DurationFormat;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * Hands each property to the library's option setter, and turns the setter's refusal into an
 * {@link InvalidAsyncInvokePropertyException} naming the property, its value and what is allowed.
 */
final class PropertyChecks {

    static final String PREFIX = "async-invoke.";
    static final String POSITIVE_DURATION = "a positive duration, e.g. 500ms, 10s or 5m";
    static final String NON_NEGATIVE_DURATION = "a duration of zero or more, e.g. 0s, 500ms or 10s";
    static final String FRACTION = "a number between 0.0 and 1.0";

    private PropertyChecks() {
    }

    /**
     * {@code with.apply(target, value)}, or, when the library refuses the value, an
     * {@link InvalidAsyncInvokePropertyException} for {@code async-invoke.<property>}.
     */
    static <T, V> T set(T target, String property, V value, String allowed, BiFunction<T, V, T> with) {
        try {
            return with.apply(target, value);
        } catch (IllegalArgumentException | NullPointerException refusal) {
            // NullPointerException: a property given empty, which Spring binds to null
            throw new InvalidAsyncInvokePropertyException(PREFIX + property, show(value), allowed, refusal);
        }
    }

    /**
     * {@link #set} for a URL that may carry a password ({@code redis://:password@host}): a refusal
     * shows it without its user part.
     */
    static <T> T setUrl(T target, String property, String url, String allowed, BiFunction<T, String, T> with) {
        try {
            return with.apply(target, url);
        } catch (IllegalArgumentException | NullPointerException refusal) {
            throw new InvalidAsyncInvokePropertyException(PREFIX + property, withoutUserInfo(url), allowed, refusal);
        }
    }

    /** {@code url} with whatever stands between {@code //} and {@code @} masked. */
    static String withoutUserInfo(String url) {
        if (url == null) {
            return show(null);
        }
        int scheme = url.indexOf("//");
        int at = url.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? show(url.substring(0, scheme + 2) + io.asyncinvoke.client.AsyncInvokeDefaults.REDACTED + url.substring(at)) : show(url);
    }

    /** {@code value} as a person wrote it: durations in the library's format ({@code 500ms}, {@code -5s}). */
    static String show(Object value) {
        if (value == null) {
            return "(empty)";
        }
        if (value instanceof Duration) {
            return DurationFormat.format((Duration) value);
        }
        // a control character would garble the startup report
        StringBuilder shown = new StringBuilder();
        String.valueOf(value).codePoints().forEach(c -> shown.append(Character.isISOControl(c)
                ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return shown.toString();
    }
}
