package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every option spec builds the same value whatever order its setters are called in, and is a value. */
class OptionSpecsTest {

    private static <T> void everyPairCommutes(T start, List<UnaryOperator<T>> setters) {
        for (int i = 0; i < setters.size(); i++) {
            for (int j = 0; j < setters.size(); j++) {
                if (i == j) {
                    continue;
                }
                T ab = setters.get(j).apply(setters.get(i).apply(start));
                T ba = setters.get(i).apply(setters.get(j).apply(start));
                assertThat(ab).as("setters %d then %d vs %d then %d", i, j, j, i).isEqualTo(ba).hasSameHashCodeAs(ba);
                assertThat(ab.toString()).isEqualTo(ba.toString());
            }
        }
    }

    @Test
    void pollingOptions() {
        everyPairCommutes(PollingOptions.defaults(), List.of(
                o -> o.withFirstDelay(Duration.ofSeconds(1)),
                o -> o.withInterval(Duration.ofSeconds(2)),
                o -> o.withBackoffFactor(1.0),
                o -> o.withMaxInterval(Duration.ofSeconds(9)),
                o -> o.withJitter(0.1),
                o -> o.withTimeout(Duration.ofMinutes(3)),
                o -> o.withAdaptive(true),
                o -> o.withEndpoint(PollingEndpoint.STATUS)));
        assertThat(PollingOptions.defaults().withAdaptive(true).withInterval(Duration.ofSeconds(2)).isAdaptive())
                .as("an explicit choice wins in either order").isTrue();
        assertThat(PollingOptions.defaults().withInterval(Duration.ofSeconds(2)).isAdaptive()).isFalse();
        assertThat(PollingOptions.defaults()).isEqualTo(PollingOptions.defaults().withAdaptive(true))
                .isNotEqualTo(PollingOptions.defaults().withAdaptive(false));
    }

    @Test
    void retryOptionsCheckTheirPairWhenUsedNotWhileBuilt() {
        everyPairCommutes(RetryOptions.defaults(), List.of(
                o -> o.withMaxAttempts(7),
                o -> o.withMinBackoff(Duration.ofSeconds(10)),
                o -> o.withMaxBackoff(Duration.ofSeconds(20)),
                o -> o.withJitter(0.3),
                o -> o.withMaxServerDelay(Duration.ofSeconds(30))));
        RetryOptions inverted = RetryOptions.defaults().withMinBackoff(Duration.ofSeconds(30))
                .withMaxBackoff(Duration.ofSeconds(20));
        assertThatThrownBy(() -> new AsyncInvokeClientBuilder().apiKey("sk-do-options-test").retryOptions(inverted)
                .buildAsyncClient()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff 20s is below minBackoff 30s");
    }

    @Test
    void requestBudgetAndDownloadOptions() {
        everyPairCommutes(RequestBudgetOptions.defaults(), List.of(
                o -> o.withBurst(0.3),
                o -> o.and(100, Duration.ofSeconds(10)),
                o -> o.and(9000, Duration.ofDays(1))));
        everyPairCommutes(DownloadOptions.defaults(), List.of(
                o -> o.withMaxBytes(100),
                o -> o.withTimeout(Duration.ofSeconds(5))));
    }
}
