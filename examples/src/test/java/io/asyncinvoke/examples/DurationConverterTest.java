package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.DurationFormat;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void shortForms() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(converter.convert("PT2M30S")).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void compoundsDecimalsAndMicroseconds() {
        assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(converter.convert("2h5m")).isEqualTo(Duration.ofMinutes(125));
        assertThat(converter.convert("3d4h")).isEqualTo(Duration.ofHours(76));
        assertThat(converter.convert("1d2h3m4s")).isEqualTo(Duration.ofSeconds(86_400 + 7200 + 180 + 4));
        assertThat(converter.convert("1m 30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("0.25h")).isEqualTo(Duration.ofMinutes(15));
        assertThat(converter.convert("2.5ms")).isEqualTo(Duration.ofNanos(2_500_000));
        assertThat(converter.convert("1.234s")).isEqualTo(Duration.ofMillis(1234));
        assertThat(converter.convert("250\u00b5s")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(converter.convert("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(converter.convert("1H30M")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void nonsenseAndNonPositiveAreRefused() {
        for (String bad : new String[] {"", " ", "5", "5x", "m5", ".5s", "5.s", "1s1m", "1m1m", "1ms1s", "30s1m",
                "-5m", "0s", "0m0s", "PT0S", "five minutes", "1m-30s", "1,5s"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void zeroIsFineWhereNonNegativeIsAsked() {
        DurationConverter.NonNegative nonNegative = new DurationConverter.NonNegative();
        assertThat(nonNegative.convert("0s")).isZero();
        assertThat(nonNegative.convert("400ms")).isEqualTo(Duration.ofMillis(400));
        assertThatThrownBy(() -> nonNegative.convert("-1s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> nonNegative.convert("soon")).isInstanceOf(TypeConversionException.class);
    }

    /** What the command line prints (DurationFormat) reads back as the same duration. */
    @Test
    void everyPrintedDurationReadsBack() {
        List<Duration> exact = List.of(Duration.ofNanos(1000), Duration.ofNanos(250_000), Duration.ofNanos(999_000),
                Duration.ofMillis(1), Duration.ofNanos(1_500_000), Duration.ofMillis(100), Duration.ofMillis(250),
                Duration.ofMillis(999), Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(1234),
                Duration.ofSeconds(59), Duration.ofMillis(59_999), Duration.ofSeconds(60), Duration.ofSeconds(90),
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(90), Duration.ofHours(1),
                Duration.ofMinutes(125), Duration.ofSeconds(3661), Duration.ofDays(1), Duration.ofHours(76),
                Duration.ofSeconds(86_400 + 3600 + 60 + 1), Duration.ofDays(400));
        for (Duration duration : exact) {
            String printed = DurationFormat.format(duration);
            assertThat(converter.convert(printed)).as(printed).isEqualTo(duration);
        }

        // DurationFormat rounds (to the microsecond below a second, the millisecond below a minute, the
        // second above): what it prints still reads back, to the duration within that rounding.
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            Duration duration = Duration.ofNanos((long) Math.pow(10, 3 + random.nextDouble() * 11));
            String printed = DurationFormat.format(duration);
            Duration read = converter.convert(printed);
            Duration rounding = duration.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofNanos(500)
                    : duration.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofNanos(500_000) : Duration.ofMillis(500);
            assertThat(read.minus(duration).abs()).as("%s printed as %s, read as %s", duration, printed, read)
                    .isLessThanOrEqualTo(rounding);
        }
    }
}
