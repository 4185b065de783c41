package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static long header(HttpResponse<?> r, String name) {
        return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name)));
    }

    @Test
    void withoutALimitHeadersReportAGenerousOne() {
        try (Simulator sim = Simulator.builder().start()) {
            TestHttp http = new TestHttp(sim);
            HttpResponse<String> first = http.submit(IMAGE_MODEL, "{}");
            HttpResponse<String> second = http.status("unknown");
            assertThat(header(first, "ratelimit-limit")).isEqualTo(5000);
            assertThat(header(first, "ratelimit-remaining")).isEqualTo(4999);
            assertThat(header(second, "ratelimit-remaining")).isEqualTo(4998);
            long now = Instant.now().getEpochSecond();
            assertThat(header(first, "ratelimit-reset")).isBetween(now, now + 61);
        }
    }

    @Test
    void theLimitIsEnforcedWithRetryAfterAndRecovers() {
        try (Simulator sim = Simulator.builder().rateLimit(5, Duration.ofSeconds(1)).start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{}");
            for (int remaining = 3; remaining >= 0; remaining--) {
                HttpResponse<String> r = http.status(id);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(header(r, "ratelimit-limit")).isEqualTo(5);
                assertThat(header(r, "ratelimit-remaining")).isEqualTo(remaining);
            }
            long now = Instant.now().getEpochSecond();
            HttpResponse<String> limited = http.status(id);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).get("id").asText()).isEqualTo("too_many_requests");
            assertThat(header(limited, "ratelimit-remaining")).isZero();
            assertThat(header(limited, "retry-after")).isEqualTo(1);
            assertThat(header(limited, "ratelimit-reset")).isBetween(now, now + 2);
            // every kind of request counts, and a rejected one stays rejected
            assertThat(http.submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(429);
            assertThat(sim.jobCount()).isEqualTo(1);
            assertThat(sim.journal().countStatus(429)).isEqualTo(2);

            TestHttp.sleep(1100);
            HttpResponse<String> again = http.status(id);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(header(again, "ratelimit-remaining")).isEqualTo(4);
        }
    }

    @Test
    void theWindowSlides() {
        try (Simulator sim = Simulator.builder().rateLimit(2, Duration.ofMillis(1000)).start()) {
            TestHttp http = new TestHttp(sim);
            assertThat(http.status("a").statusCode()).isEqualTo(404);
            TestHttp.sleep(500);
            assertThat(http.status("b").statusCode()).isEqualTo(404);
            assertThat(http.status("c").statusCode()).isEqualTo(429);
            TestHttp.sleep(550); // the first request has left the window, the second has not
            assertThat(http.status("d").statusCode()).isEqualTo(404);
            assertThat(http.status("e").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void mediaIsNotRateLimited() {
        try (Simulator sim = Simulator.builder().rateLimit(1, Duration.ofMinutes(1))
                .queuedFor(Duration.ZERO).runningFor(Duration.ZERO).start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{}");
            assertThat(http.status(id).statusCode()).isEqualTo(429);
            for (int i = 0; i < 3; i++) {
                assertThat(http.media(sim.mediaBaseUrl() + "/media/" + id + "/0.png", null).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void unitSlidingWindowMath() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(10), true);
        long t = 1_000_000_000L;
        long epochMillis = 1_700_000_000_000L;
        RateLimiter.Decision a = limiter.acquire(t, epochMillis);
        assertThat(a.allowed).isTrue();
        assertThat(a.remaining).isEqualTo(1);
        assertThat(a.resetEpochSeconds).isEqualTo(1_700_000_010L);
        RateLimiter.Decision b = limiter.acquire(t + 4_000_000_000L, epochMillis + 4000);
        assertThat(b.remaining).isZero();
        assertThat(b.resetEpochSeconds).as("when the oldest request leaves").isEqualTo(1_700_000_010L);
        RateLimiter.Decision c = limiter.acquire(t + 5_500_000_000L, epochMillis + 5500);
        assertThat(c.allowed).isFalse();
        assertThat(c.retryAfterSeconds).isEqualTo(5);
        RateLimiter.Decision d = limiter.acquire(t + 10_000_000_000L, epochMillis + 10_000);
        assertThat(d.allowed).isTrue();
        assertThat(d.resetEpochSeconds).isEqualTo(1_700_000_014L);
    }

    @Test
    void theInferenceQuotaFamilyReportsTheSameWindowWithAZeroResetWhileCapacityIsLeft() {
        try (Simulator sim = Simulator.builder().rateLimit(2, Duration.ofSeconds(1))
                .rateLimitHeaders(RateLimitHeaders.X_RATELIMIT_REQUESTS).start()) {
            TestHttp http = new TestHttp(sim);
            HttpResponse<String> first = http.submit(IMAGE_MODEL, "{}");
            assertThat(first.headers().firstValue("ratelimit-limit")).isEmpty();
            assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo(2);
            assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo(1);
            assertThat(header(first, "x-ratelimit-reset-requests")).isZero();
            long now = Instant.now().getEpochSecond();
            HttpResponse<String> last = http.status("unknown");
            assertThat(header(last, "x-ratelimit-remaining-requests")).isZero();
            assertThat(header(last, "x-ratelimit-reset-requests")).isBetween(now, now + 2);
            HttpResponse<String> limited = http.status("unknown");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(header(limited, "x-ratelimit-reset-requests")).isBetween(now, now + 2);
            assertThat(header(limited, "retry-after")).isEqualTo(1);
        }
    }

    @Test
    void bothFamiliesOrNoneCanBeSent() {
        try (Simulator both = Simulator.builder().rateLimitHeaders(RateLimitHeaders.BOTH).start();
             Simulator none = Simulator.builder().rateLimitHeaders(RateLimitHeaders.NONE).start()) {
            HttpResponse<String> r = new TestHttp(both).submit(IMAGE_MODEL, "{}");
            assertThat(header(r, "ratelimit-remaining")).isEqualTo(header(r, "x-ratelimit-remaining-requests"));
            HttpResponse<String> bare = new TestHttp(none).submit(IMAGE_MODEL, "{}");
            assertThat(bare.headers().map().keySet()).noneMatch(name -> name.toLowerCase().contains("ratelimit"));
        }
    }

    @Test
    void anInjectedRateLimitFaultSpeaksTheConfiguredFamily() {
        try (Simulator sim = Simulator.builder().rateLimitHeaders(RateLimitHeaders.X_RATELIMIT_REQUESTS).start()) {
            sim.inject(Fault.rateLimited(Duration.ofSeconds(3)).times(1));
            long now = Instant.now().getEpochSecond();
            HttpResponse<String> r = new TestHttp(sim).submit(IMAGE_MODEL, "{}");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(header(r, "x-ratelimit-remaining-requests")).isZero();
            assertThat(header(r, "x-ratelimit-reset-requests")).isBetween(now + 2, now + 4);
            assertThat(r.headers().firstValue("ratelimit-remaining")).isEmpty();
        }
    }
}
