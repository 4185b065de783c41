package io.asyncinvoke.client;

import java.time.Duration;
import java.util.Locale;

/**
 * The one way this library writes a duration for people: {@code 250µs}, {@code 500ms},
 * {@code 1.5s}, {@code 90s} is {@code 1m30s}, {@code 2h5m}, {@code 3d4h}. Units are dropped when
 * zero; seconds keep up to three decimals below a minute, whole seconds above. Negative durations
 * get a leading minus. Every message of the client (and of the command line) uses it, so that a
 * timeout reads the same wherever it is reported.
 */
public final class DurationFormat {

    private DurationFormat() {
    }

    /** {@code duration} in the format above. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long nanos = duration.getSeconds() < 60 ? duration.toNanos() : -1;
        if (nanos == 0) {
            return "0s";
        }
        if (nanos > 0 && nanos < 1_000_000) {
            return trim(nanos / 1000.0, 0) + "µs";
        }
        if (nanos > 0 && nanos < 1_000_000_000) {
            return trim(nanos / 1e6, 3) + "ms";
        }
        if (nanos > 0) {
            return trim(nanos / 1e9, 3) + "s";
        }
        long seconds = duration.getSeconds() + (duration.getNano() >= 500_000_000 ? 1 : 0);
        StringBuilder out = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds / 3600 % 24;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        append(out, days, "d");
        append(out, hours, "h");
        append(out, minutes, "m");
        append(out, secs, "s");
        return out.toString();
    }

    private static void append(StringBuilder out, long value, String unit) {
        if (value != 0) {
            out.append(value).append(unit);
        }
    }

    /** {@code value} with at most {@code decimals} decimals and no trailing zeros. */
    private static String trim(double value, int decimals) {
        String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
        if (text.indexOf('.') >= 0) {
            int end = text.length();
            while (text.charAt(end - 1) == '0') {
                end--;
            }
            if (text.charAt(end - 1) == '.') {
                end--;
            }
            text = text.substring(0, end);
        }
        return text;
    }
}
