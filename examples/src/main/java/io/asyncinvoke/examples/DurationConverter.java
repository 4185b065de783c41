package io.asyncinvoke.examples;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a positive duration: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, and everything
 * {@link io.asyncinvoke.client.DurationFormat} prints, so that a duration the command line
 * printed can be pasted back: compounds ({@code 1m30s}, {@code 2h5m}, {@code 3d4h}), decimals
 * ({@code 1.5s}, {@code 0.25h}, {@code 2.5ms}), microseconds ({@code 250µs} or {@code 250us}).
 * Units go from the largest to the smallest, each at most once; case does not matter. ISO-8601
 * ({@code PT5M}) is read too.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    /** As DurationFormat writes it, with the micro sign; the Greek mu and a plain {@code us} are read too. */
    private static final String MICROS = "\u00b5s";
    /** One number and its unit; the longer units first, so that {@code ms} is not read as {@code m}. */
    private static final Pattern PART = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|\u00b5s|\u03bcs|us|d|h|m|s)");
    /** The units, largest first, as they must appear. */
    private static final List<String> ORDER = List.of("d", "h", "m", "s", "ms", MICROS);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    static final String EXAMPLES = "500ms, 1.5s, 90s, 1m30s, 5m or 1h";

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value);
        if (duration == null) {
            throw new TypeConversionException("'" + value + "' is not a duration: use e.g. " + EXAMPLES);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        return duration;
    }

    /** As {@link DurationConverter}, but zero is fine too ({@code 0s}: not at all). */
    static final class NonNegative implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = parse(value);
            if (duration == null) {
                throw new TypeConversionException("'" + value + "' is not a duration: use e.g. 0s, " + EXAMPLES);
            }
            if (duration.isNegative()) {
                throw new TypeConversionException("'" + value + "' is negative");
            }
            return duration;
        }
    }

    /** {@code value} as a duration, or null when it is none of the forms above. */
    static Duration parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration shortForm = parseShort(v);
        if (shortForm != null) {
            return shortForm;
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration parseShort(String v) {
        if (v.isEmpty()) {
            return null;
        }
        Matcher part = PART.matcher(v);
        BigDecimal nanos = BigDecimal.ZERO;
        int lastUnit = -1;
        int at = 0;
        while (at < v.length()) {
            part.region(at, v.length());
            if (!part.lookingAt()) {
                return null;
            }
            String unit = part.group(2).equals("us") || part.group(2).equals("\u03bcs") ? MICROS : part.group(2);
            int index = ORDER.indexOf(unit);
            if (index <= lastUnit) {
                return null;
            }
            lastUnit = index;
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(nanosPer(unit)));
            at = part.end();
            while (at < v.length() && v.charAt(at) == ' ') {
                at++;
            }
        }
        BigInteger[] secondsAndNanos = nanos.setScale(0, RoundingMode.HALF_UP).toBigInteger()
                .divideAndRemainder(NANOS_PER_SECOND.toBigInteger());
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }

    private static BigDecimal nanosPer(String unit) {
        switch (unit) {
            case "d":
                return BigDecimal.valueOf(86_400_000_000_000L);
            case "h":
                return BigDecimal.valueOf(3_600_000_000_000L);
            case "m":
                return BigDecimal.valueOf(60_000_000_000L);
            case "s":
                return NANOS_PER_SECOND;
            case "ms":
                return BigDecimal.valueOf(1_000_000L);
            default:
                return BigDecimal.valueOf(1_000L);
        }
    }
}
