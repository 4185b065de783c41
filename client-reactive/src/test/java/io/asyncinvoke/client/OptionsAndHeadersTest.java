package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class OptionsAndHeadersTest {

    @Test
    void pollingOptionsAreImmutable() {
        PollingOptions defaults = PollingOptions.defaults();
        PollingOptions changed = defaults.withInterval(Duration.ofSeconds(3)).withTimeout(Duration.ofMinutes(1));

        assertThat(defaults.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(defaults.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(changed.interval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(changed.timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(changed.firstDelay()).isEqualTo(defaults.firstDelay());
    }

    @Test
    void pollingOptionsRejectNonsense() {
        PollingOptions o = PollingOptions.defaults();
        assertThatThrownBy(() -> o.withInterval(Duration.ZERO)).hasMessageContaining("interval");
        assertThatThrownBy(() -> o.withFirstDelay(Duration.ofMillis(-1))).hasMessageContaining("firstDelay");
        assertThatThrownBy(() -> o.withBackoffFactor(0.5)).hasMessageContaining("backoffFactor");
        assertThatThrownBy(() -> o.withBackoffFactor(Double.NaN)).hasMessageContaining("backoffFactor");
        assertThatThrownBy(() -> o.withJitter(1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> o.withTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThat(o.withFirstDelay(Duration.ZERO).firstDelay()).isZero();
    }

    @Test
    void retryOptionsRejectNonsense() {
        RetryOptions o = RetryOptions.defaults();
        assertThatThrownBy(() -> o.withMaxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> o.withMaxBackoff(Duration.ofMillis(1)).validate()).hasMessageContaining("below minBackoff");
        assertThatThrownBy(() -> o.withJitter(-0.1)).hasMessageContaining("jitter");
        assertThat(RetryOptions.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void pollScheduleWithoutJitterFollowsTheFormula() {
        PollSchedule schedule = new PollSchedule(PollingOptions.defaults().withJitter(0).withFirstDelay(Duration.ofMillis(300))
                .withInterval(Duration.ofSeconds(1)).withBackoffFactor(2).withMaxInterval(Duration.ofSeconds(6)));

        assertThat(schedule.nextDelay(0, true, null, null, 0)).isEqualTo(Duration.ofMillis(300));
        assertThat(schedule.nextDelay(1, true, null, null, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.nextDelay(1, false, null, null, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.nextDelay(2, false, null, null, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(schedule.nextDelay(3, false, null, null, 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(schedule.nextDelay(4, false, null, null, 0)).isEqualTo(Duration.ofSeconds(6));
        assertThat(schedule.nextDelay(5000, false, null, null, 0)).isEqualTo(Duration.ofSeconds(6));
        assertThat(schedule.nextDelay(2, false, Duration.ofSeconds(9), null, 0)).as("the server wins when later").isEqualTo(Duration.ofSeconds(9));
        assertThat(schedule.nextDelay(2, false, Duration.ofMillis(10), null, 0)).as("but never pulls a poll earlier").isEqualTo(Duration.ofSeconds(2));
    }

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void rateLimitHeadersAreRead() {
        RateLimitInfo info = RateLimits.parse(headers("ratelimit-limit", "250", "ratelimit-remaining", "0",
                "ratelimit-reset", "1769109619", "Retry-After", "7"), 0);

        assertThat(info.limit()).hasValue(250);
        assertThat(info.remaining()).hasValue(0);
        assertThat(info.reset()).contains(Instant.ofEpochSecond(1769109619L));
        assertThat(info.retryAfter().orElse(null)).isEqualTo(Duration.ofSeconds(7));
        assertThat(info.serverRequestedDelay(0)).as("Retry-After first").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aSmallResetIsSecondsFromNowAndTheWaitFollowsIt() {
        RateLimitInfo info = RateLimits.parse(headers("ratelimit-remaining", "0", "ratelimit-reset", "30"), 1_000_000);

        assertThat(info.reset()).contains(Instant.ofEpochMilli(1_030_000));
        assertThat(info.serverRequestedDelay(1_010_000)).isEqualTo(Duration.ofSeconds(20));
        assertThat(info.serverRequestedDelay(2_000_000)).isEqualTo(Duration.ZERO);
    }

    @Test
    void requestsRemainingMeansNoWait() {
        RateLimitInfo info = RateLimits.parse(headers("ratelimit-remaining", "3", "ratelimit-reset", "30"), 0);

        assertThat(info.serverRequestedDelay(0)).isNull();
    }

    @Test
    void retryAfterAsAnHttpDate() {
        long now = Instant.parse("2026-01-22T19:19:19Z").toEpochMilli();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(Instant.parse("2026-01-22T19:19:49Z"), ZoneOffset.UTC));

        assertThat(RateLimits.retryAfter(date, now)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void garbledHeadersAreIgnoredNotFatal() {
        RateLimitInfo info = RateLimits.parse(headers("ratelimit-limit", "lots", "ratelimit-remaining", "-",
                "ratelimit-reset", "", "Retry-After", "soon"), 0);

        assertThat(info.limit()).isEmpty();
        assertThat(info.remaining()).isEmpty();
        assertThat(info.reset()).isEmpty();
        assertThat(info.retryAfter().orElse(null)).isNull();
        assertThat(RateLimits.parse(headers(), 0).isEmpty()).isTrue();
        assertThat(RateLimits.parse(headers("ratelimit-limit", "250, 250;w=60"), 0).limit()).hasValue(250);
    }

    @Test
    void theInferenceQuotaFamilyIsReadLikeTheOther() {
        RateLimitInfo info = RateLimits.parse(headers("X-RateLimit-Limit-Requests", "60",
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1769109619"), 0);

        assertThat(info.limit()).hasValue(60);
        assertThat(info.remaining()).hasValue(0);
        assertThat(info.reset()).contains(Instant.ofEpochSecond(1769109619L));
        assertThat(info.isEmpty()).isFalse();
    }

    @Test
    void aZeroQuotaResetMeansCapacityNowAndNoWaitWhileRequestsRemain() {
        RateLimitInfo info = RateLimits.parse(headers("x-ratelimit-limit-requests", "60",
                "x-ratelimit-remaining-requests", "59", "x-ratelimit-reset-requests", "0"), 5_000);

        assertThat(info.reset()).contains(Instant.ofEpochMilli(5_000));
        assertThat(info.serverRequestedDelay(5_000)).isNull();
    }

    @Test
    void whenBothFamiliesCameTheTighterOneIsBelieved() {
        RateLimitInfo info = RateLimits.parse(headers("ratelimit-limit", "250", "ratelimit-remaining", "200",
                "ratelimit-reset", "1769109000", "x-ratelimit-limit-requests", "60",
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1769109619"), 0);
        assertThat(info.limit()).hasValue(60);
        assertThat(info.remaining()).hasValue(0);
        assertThat(info.reset()).as("the reset of the family that binds").contains(Instant.ofEpochSecond(1769109619L));

        RateLimitInfo other = RateLimits.parse(headers("ratelimit-remaining", "0", "ratelimit-reset", "1769109700",
                "x-ratelimit-remaining-requests", "5", "x-ratelimit-reset-requests", "0"), 0);
        assertThat(other.remaining()).hasValue(0);
        assertThat(other.reset()).contains(Instant.ofEpochSecond(1769109700L));
    }

    @Test
    void tokenQuotasAreReportedButDoNotMakeAnAnswerRateLimited() {
        RateLimitInfo info = RateLimits.parse(headers("x-ratelimit-limit-tokens-per-minute", "100000",
                "x-ratelimit-remaining-tokens-per-minute", "0", "x-ratelimit-reset-tokens-per-minute", "1769109619",
                "x-ratelimit-limit-tokens-per-day", "5000000", "x-ratelimit-remaining-tokens-per-day", "4000000"), 0);

        assertThat(info.tokensPerMinute().orElseThrow().limit()).hasValue(100_000L);
        assertThat(info.tokensPerMinute().orElseThrow().remaining()).hasValue(0);
        assertThat(info.tokensPerMinute().orElseThrow().reset()).contains(Instant.ofEpochSecond(1769109619L));
        assertThat(info.tokensPerDay().orElseThrow().limit()).hasValue(5_000_000L);
        assertThat(info.tokensPerDay().orElseThrow().reset()).isEmpty();
        assertThat(info.isEmpty()).as("only request quotas and Retry-After drive the client").isTrue();
        assertThat(info.serverRequestedDelay(0)).isNull();
        assertThat(info.toString()).contains("tokensPerMinute");
    }

    @Test
    void headersThatOnlyLookAlikeAreIgnored() {
        RateLimitInfo info = RateLimits.parse(headers("x-ratelimit-limit", "5", "x-ratelimit-limit-requestsx", "5",
                "ratelimit-limits", "5", "x-ratelimit-reset-tokens", "9", "retry-afterwards", "3"), 0);

        assertThat(info).isEqualTo(RateLimitInfo.NONE);
    }

    @Test
    void pathSegmentsEscapeEverythingButUnreservedCharacters() {
        assertThat(Inputs.pathSegment("6590784a-ce47-4556-9ff4-53baff2693fb")).isEqualTo("6590784a-ce47-4556-9ff4-53baff2693fb");
        assertThat(Inputs.pathSegment("a.b_c~d")).isEqualTo("a.b_c~d");
        assertThat(Inputs.pathSegment("../etc/passwd")).isEqualTo("..%2Fetc%2Fpasswd");
        assertThat(Inputs.pathSegment("x?y=1&z#f")).isEqualTo("x%3Fy%3D1%26z%23f");
        assertThat(Inputs.pathSegment("\u00e9")).isEqualTo("%C3%A9");
    }
}
