package io.asyncinvoke.spring.boot;

/**
 * An {@code async-invoke.*} property whose value the library refuses, e.g.
 * {@code async-invoke.polling.jitter=1.5}: it names the property, the value and what is allowed,
 * and keeps the library's own refusal as its cause. Startup then fails with a short report
 * ({@link InvalidPropertyFailureAnalyzer}) instead of a long stack trace.
 */
public final class InvalidAsyncInvokePropertyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String allowed;

    InvalidAsyncInvokePropertyException(String property, String value, String allowed, RuntimeException refusal) {
        super(property + "=" + value + " is refused: " + (refusal == null ? "" : refusal.getMessage() + "; ")
                + "allowed: " + allowed, refusal);
        this.property = property;
        this.value = value;
        this.allowed = allowed;
    }

    /** The property's full name, e.g. {@code async-invoke.polling.jitter}. */
    public String property() {
        return property;
    }

    /** The value refused, as the library reads it (durations as {@code 500ms}, {@code -5s}). */
    public String value() {
        return value;
    }

    /** What the property allows, e.g. {@code a number between 0.0 and 1.0}. */
    public String allowed() {
        return allowed;
    }
}
