package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The shared token buckets, in virtual time. */
class RequestBudgetTest {

    private VirtualTimeScheduler clock;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AsyncInvokeListener listener = new AsyncInvokeListener() {
        @Override
        public void rateLimitWait(Exchange exchange, Duration delay) {
            waits.add(delay);
        }
    };

    @BeforeEach
    void virtualTime() {
        clock = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    private RequestBudget budget(RequestBudgetOptions options) {
        return new RequestBudget(options, listener, Schedulers::parallel);
    }

    /** Subscribes {@code n} acquires and records the virtual time each is granted, by index. */
    private static long[] acquireAll(RequestBudget budget, int n, List<Disposable> handles) {
        long[] grantedAt = new long[n];
        java.util.Arrays.fill(grantedAt, -1);
        for (int i = 0; i < n; i++) {
            int index = i;
            handles.add(budget.acquire().subscribe(null, null,
                    () -> grantedAt[index] = Schedulers.parallel().now(TimeUnit.MILLISECONDS)));
        }
        return grantedAt;
    }

    @Test
    void aBurstGoesAtOnceThenTokensComeAtTheWindowSafeRate() {
        // 100 per minute, burst 20 %: 20 at once, then (98 - 20) per minute, one every 769 ms
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        long[] at = acquireAll(budget, 23, new ArrayList<>());

        for (int i = 0; i < 20; i++) {
            assertThat(at[i]).as("burst request %d", i).isZero();
        }
        assertThat(at[20]).isEqualTo(-1);
        assertThat(at[22]).as("waiting").isEqualTo(-1);

        clock.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(at[20]).isEqualTo(769);
        assertThat(at[21]).isEqualTo(1538);
        assertThat(at[22]).isEqualTo(2307);
    }

    @Test
    void noWindowEverSeesMoreThanTheLimit() {
        RequestBudget budget = budget(RequestBudgetOptions.of(60, Duration.ofSeconds(10)).and(200, Duration.ofMinutes(1)));
        long[] at = acquireAll(budget, 600, new ArrayList<>());

        clock.advanceTimeBy(Duration.ofMinutes(10));

        assertThat(at).doesNotContain(-1L);
        for (int i = 0; i < at.length; i++) {
            int inTenSeconds = 0;
            int inAMinute = 0;
            for (long t : at) {
                inTenSeconds += t >= at[i] && t < at[i] + 10_000 ? 1 : 0;
                inAMinute += t >= at[i] && t < at[i] + 60_000 ? 1 : 0;
            }
            assertThat(inTenSeconds).isLessThanOrEqualTo(60);
            assertThat(inAMinute).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void waitersAreServedFirstComeFirstServedAndNoNewcomerJumpsTheQueue() {
        RequestBudget budget = budget(RequestBudgetOptions.of(10, Duration.ofSeconds(10)));
        List<Disposable> handles = new ArrayList<>();
        long[] first = acquireAll(budget, 6, handles);
        clock.advanceTimeBy(Duration.ofMillis(100));
        long[] late = acquireAll(budget, 2, handles);

        clock.advanceTimeBy(Duration.ofMinutes(1));

        for (int i = 1; i < first.length; i++) {
            assertThat(first[i]).isGreaterThanOrEqualTo(first[i - 1]);
        }
        assertThat(late[0]).isGreaterThan(first[5]);
        assertThat(late[1]).isGreaterThan(late[0]);
    }

    @Test
    void aGatedRequestGoesAtOnceWhileTokensLastAndQueuesBehindEarlierWaiters() {
        RequestBudget budget = budget(RequestBudgetOptions.of(10, Duration.ofSeconds(10)));
        AtomicInteger sent = new AtomicInteger();
        Mono<Integer> request = Mono.fromCallable(sent::incrementAndGet);
        budget.gate(request).subscribe();
        budget.gate(request).subscribe(); // the burst
        assertThat(sent).as("sent at once").hasValue(2);

        long[] waiter = acquireAll(budget, 1, new ArrayList<>());
        long[] gated = {-1};
        budget.gate(request).subscribe(n -> gated[0] = Schedulers.parallel().now(TimeUnit.MILLISECONDS));
        assertThat(sent).as("no token left: it waits").hasValue(2);
        assertThat(waiter[0]).as("the earlier waiter waits too").isEqualTo(-1);

        clock.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(sent).hasValue(3);
        assertThat(gated[0]).as("served after the earlier waiter").isGreaterThan(waiter[0]);
        assertThat(waiter[0]).isPositive();

        RequestBudget fresh = budget(RequestBudgetOptions.of(10, Duration.ofSeconds(10)));
        Mono<Integer> gatedTwice = fresh.gate(request);
        gatedTwice.then(gatedTwice).subscribe();
        assertThat(acquireAll(fresh, 1, new ArrayList<>())[0]).as("each subscription took its own token: none is left")
                .isEqualTo(-1);
    }

    @Test
    void aCancelledWaiterReleasesItsPlace() {
        RequestBudget budget = budget(RequestBudgetOptions.of(10, Duration.ofSeconds(10)));
        List<Disposable> handles = new ArrayList<>();
        acquireAll(budget, 2, handles); // the burst
        long[] queued = acquireAll(budget, 3, handles);
        assertThat(queued).containsOnly(-1L);

        handles.get(3).dispose();

        clock.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(queued[1]).as("cancelled").isEqualTo(-1);
        assertThat(queued[0]).isEqualTo(1428);
        assertThat(queued[2]).as("took the cancelled one's turn").isEqualTo(2857);
    }

    @Test
    void noRequestRemainingHoldsEveryRequestUntilTheReset() {
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(200, new RateLimitInfo(100, 0, Instant.ofEpochMilli(5_000), null));

        long[] at = acquireAll(budget, 2, new ArrayList<>());
        clock.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(at[0]).isEqualTo(5_000);
        assertThat(at[1]).as("tokens do not pile up during the hold").isEqualTo(5_769);
        assertThat(waits).first().isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aTooManyRequestsAnswerHoldsForItsRetryAfter() {
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(429, new RateLimitInfo(null, null, null, Duration.ofSeconds(3)));

        long[] at = acquireAll(budget, 1, new ArrayList<>());
        clock.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(at[0]).isEqualTo(3_000);
    }

    @Test
    void aSmallerLimitFromTheServerShrinksTheBudgetAndALargerOneDoesNotGrowIt() {
        RequestBudget larger = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        larger.onAnswer(200, new RateLimitInfo(1000, 990, null, null));
        long[] burst = acquireAll(larger, 21, new ArrayList<>());
        assertThat(burst[19]).as("still the configured burst of 20").isZero();
        assertThat(burst[20]).isEqualTo(-1);

        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(200, new RateLimitInfo(1000, 990, null, null));
        budget.onAnswer(200, new RateLimitInfo(10, 9, null, null));

        // burst of 20 % of 10
        long[] at = acquireAll(budget, 4, new ArrayList<>());
        clock.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(at[0]).isZero();
        assertThat(at[1]).isZero();
        assertThat(at[2]).as("(9 - 2) per minute").isEqualTo(8571);
    }

    @Test
    void aLaterAnswerWithTheRealLimitRestoresTheBudget() {
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(200, new RateLimitInfo(2, 1, null, null));
        budget.onAnswer(200, new RateLimitInfo(250, 249, null, null));

        long[] at = acquireAll(budget, 3, new ArrayList<>());
        clock.advanceTimeBy(Duration.ofMinutes(1));
        // back to 100 per minute: a token every 60 s / (98 - 20), not one a minute
        assertThat(at[1]).isLessThan(2_000);
        assertThat(at[2]).isLessThan(2_000);
    }

    @Test
    void aHoldLongerThanARequestWaitsFailsRequestsAtOnceSayingWhenToComeBack() {
        RequestBudget budget = new RequestBudget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)), listener,
                Schedulers::parallel, Duration.ofSeconds(60));
        List<Throwable> queuedErrors = new ArrayList<>();
        // a waiter already queued behind the burst...
        for (int i = 0; i < 25; i++) {
            budget.acquire().subscribe(null, queuedErrors::add);
        }
        budget.onAnswer(429, new RateLimitInfo(null, null, null, Duration.ofSeconds(3600)));

        assertThat(queuedErrors).as("waiters are not left hanging for an hour").isNotEmpty()
                .allSatisfy(e -> assertThat(e).isInstanceOf(RateLimitedException.class));
        Throwable later = budget.gate(Mono.just(1)).materialize().block().getThrowable();
        assertThat(later).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfter().orElse(null)).isEqualTo(Duration.ofHours(1));
            assertThat(e).hasMessageContaining("1h");
        });

        clock.advanceTimeBy(Duration.ofMinutes(61));
        assertThat(budget.gate(Mono.just(1)).block()).as("after the hold, as before").isEqualTo(1);
    }

    @Test
    void absurdWaitsAreClampedNeverAnOverflow() {
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(429, RateLimits.parse(headers("Retry-After", "99999999999999999999"), 0));
        budget.onAnswer(200, RateLimits.parse(headers("ratelimit-remaining", "0", "ratelimit-reset", "253402300799"),
                clock.now(TimeUnit.MILLISECONDS)));
        budget.onAnswer(200, new RateLimitInfo(250, 0, Instant.MAX, Duration.ofSeconds(Long.MAX_VALUE)));

        assertThat(RateLimits.parse(headers("Retry-After", "99999999999999999999"), 0).retryAfter())
                .contains(RateLimitInfo.MAX_SERVER_WAIT);
    }

    private static io.netty.handler.codec.http.HttpHeaders headers(String... pairs) {
        io.netty.handler.codec.http.HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void fewerRemainingThanTokensLowersTheTokens() {
        RequestBudget budget = budget(RequestBudgetOptions.of(100, Duration.ofMinutes(1)));
        budget.onAnswer(200, new RateLimitInfo(100, 3, Instant.ofEpochSecond(60), null));

        long[] at = acquireAll(budget, 4, new ArrayList<>());
        assertThat(at[2]).as("three left").isZero();
        assertThat(at[3]).isEqualTo(-1);
    }

    @Test
    void waitsAreReportedToTheListenerOnlyWhenARequestWaited() {
        RequestBudget budget = budget(RequestBudgetOptions.of(10, Duration.ofSeconds(10)));
        acquireAll(budget, 3, new ArrayList<>());
        clock.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(waits).hasSize(1);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(1428), Duration.ofMillis(1429));
    }

    @Test
    void aDisabledBudgetLetsEverythingThroughAtOnce() {
        RequestBudget budget = RequestBudget.of(RequestBudgetOptions.disabled(), listener, Duration.ofMinutes(1));
        long[] at = acquireAll(budget, 10_000, new ArrayList<>());

        assertThat(at).containsOnly(0L);
        assertThat(budget.isEnabled()).isFalse();
    }

    @Test
    void optionsAreImmutableAndValidated() {
        RequestBudgetOptions defaults = RequestBudgetOptions.defaults();
        RequestBudgetOptions changed = defaults.withBurst(0.5).and(100, Duration.ofMinutes(1));

        assertThat(defaults.burst()).isEqualTo(0.2);
        assertThat(defaults.limits()).hasSize(2);
        assertThat(defaults.limits().get(0).requests()).isEqualTo(250);
        assertThat(defaults.limits().get(1).requests()).isEqualTo(5000);
        assertThat(changed.limits()).hasSize(2);
        assertThat(changed.limits().get(0).requests()).as("same window replaced").isEqualTo(100);
        assertThat(RequestBudgetOptions.disabled().isEnabled()).isFalse();
        assertThat(defaults.toString()).contains("250 per PT1M").contains("5000 per PT1H");
        assertThatThrownBy(() -> defaults.withBurst(0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> defaults.withBurst(0.9)).hasMessageContaining("burst");
        assertThatThrownBy(() -> RequestBudgetOptions.of(1, Duration.ofMinutes(1))).hasMessageContaining("requests");
        assertThatThrownBy(() -> RequestBudgetOptions.of(10, Duration.ZERO)).hasMessageContaining("window");
    }
}
