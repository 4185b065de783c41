package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    void nonsenseAndNonPositiveAreRefused() {
        for (String bad : new String[] {"", "5", "5x", "m5", "1.5s", "-5m", "0s", "PT0S", "five minutes"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }
}
