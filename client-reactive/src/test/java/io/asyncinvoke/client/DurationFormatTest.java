package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationFormatTest {

    @Test
    void eachMagnitudeHasOneShortForm() {
        assertThat(DurationFormat.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationFormat.format(Duration.ofNanos(250_000))).isEqualTo("250µs");
        assertThat(DurationFormat.format(Duration.ofMillis(1))).isEqualTo("1ms");
        assertThat(DurationFormat.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(DurationFormat.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(DurationFormat.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationFormat.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(DurationFormat.format(Duration.ofMillis(59_250))).isEqualTo("59.25s");
        assertThat(DurationFormat.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(DurationFormat.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(DurationFormat.format(Duration.ofSeconds(3600))).isEqualTo("1h");
        assertThat(DurationFormat.format(Duration.ofMinutes(125))).isEqualTo("2h5m");
        assertThat(DurationFormat.format(Duration.ofHours(76))).isEqualTo("3d4h");
        assertThat(DurationFormat.format(Duration.ofSeconds(-2))).isEqualTo("-2s");
    }

    @Test
    void aTimeoutMessageUsesIt() {
        assertThat(new AsyncInvokeTimeoutException("id-1", "QUEUED", Duration.ofMillis(100)).getMessage())
                .contains("within 100ms").doesNotContain("PT");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> PollingOptions.defaults().withTimeout(Duration.ofSeconds(-1))))
                .hasMessageContaining("was -1s");
    }
}
