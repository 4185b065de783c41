package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.client.spi.BudgetStore.Bandwidth;
import io.asyncinvoke.client.spi.BudgetStore.Take;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The budget kept by a store, against a scripted store, in virtual time: the same rules as in process, and the fallback. */
class StoredBudgetTest {

    private static final RequestBudgetOptions TEN_PER_10S = RequestBudgetOptions.of(10, Duration.ofSeconds(10));

    private VirtualTimeScheduler clock;
    private final FakeStore store = new FakeStore();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AsyncInvokeListener listener = new AsyncInvokeListener() {
        @Override
        public void budgetStoreUnavailable(String name, Throwable cause) {
            events.add("unavailable " + name);
        }

        @Override
        public void budgetStoreRestored(String name, Duration outage) {
            events.add("restored after " + outage.toMillis() + "ms");
        }
    };
    private final Logger log = (Logger) LoggerFactory.getLogger(StoredBudget.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level level;

    @BeforeEach
    void virtualTime() {
        clock = VirtualTimeScheduler.getOrSet();
        logged.start();
        log.addAppender(logged);
        level = log.getLevel();
        log.setLevel(Level.INFO);
    }

    @AfterEach
    void realTime() {
        log.detachAppender(logged);
        log.setLevel(level);
        VirtualTimeScheduler.reset();
    }

    private StoredBudget budget(RequestBudgetOptions options) {
        return new StoredBudget(store, StoredBudget.spec("https://inference.do-ai.run", "https://inference.do-ai.run",
                "sk-do-0123456789", options), options, listener, Schedulers::parallel, Duration.ofSeconds(60));
    }

    private long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    /** Subscribes {@code n} gated requests; each records the virtual time it went out, or -2 on error. */
    private long[] gateAll(StoredBudget budget, int n, List<Disposable> handles, List<Throwable> errors) {
        long[] at = new long[n];
        Arrays.fill(at, -1);
        for (int i = 0; i < n; i++) {
            int index = i;
            handles.add(budget.gate(null, Mono.fromCallable(() -> at[index] = now()))
                    .subscribe(null, e -> {
                        at[index] = -2;
                        errors.add(e);
                    }));
        }
        return at;
    }

    private long[] gateAll(StoredBudget budget, int n) {
        return gateAll(budget, n, new ArrayList<>(), new ArrayList<>());
    }

    @Test
    void theSpecIsSizedLikeTheInProcessBudgetAndNamesNoKey() {
        budget(RequestBudgetOptions.defaults());
        BudgetStore.Spec spec = store.spec;
        // 250/min with a 20 % burst: 50 at once, then 195 a minute; 5000/h: 1000, then 3900 an hour
        assertThat(spec.bandwidths()).containsExactly(new Bandwidth(50, 195, Duration.ofMinutes(1)),
                new Bandwidth(1000, 3900, Duration.ofHours(1)));
        assertThat(spec.budgetId()).matches("[0-9a-f]{32}").doesNotContain("0123456789");
        assertThat(StoredBudget.budgetId("https://inference.do-ai.run", "sk-do-0123456789")).isEqualTo(spec.budgetId());
        assertThat(StoredBudget.budgetId("https://inference.do-ai.run", "sk-do-0123456780")).isNotEqualTo(spec.budgetId());
        assertThat(StoredBudget.budgetId("https://other.example", "sk-do-0123456789")).isNotEqualTo(spec.budgetId());
    }

    @Test
    void theBuilderNormalizesTheEndpointForTheIdentity() {
        AsyncInvokeClientBuilder.Endpoint a = AsyncInvokeClientBuilder.Endpoint.parse("https://Inference.DO-AI.run/", false);
        AsyncInvokeClientBuilder.Endpoint b = AsyncInvokeClientBuilder.Endpoint.parse("https://inference.do-ai.run", false);
        assertThat(a.identity()).isEqualTo(b.identity()).isEqualTo("https://inference.do-ai.run");
    }

    @Test
    void everyRequestTakesATokenFromTheStoreInArrivalOrderAndOnlyTheFirstAsks() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.tokens = 3;
        long[] at = gateAll(budget, 5);
        clock.advanceTimeBy(Duration.ZERO);

        assertThat(at).containsExactly(0, 0, 0, -1, -1);
        assertThat(store.maxConcurrentTakes).as("one call at a time, for the head of the queue").isEqualTo(1);
        // refused: the store said a token comes in 1 s; nobody asks before that
        int takes = store.takes;
        clock.advanceTimeBy(Duration.ofMillis(999));
        assertThat(store.takes).isEqualTo(takes);
        store.tokens = 1;
        clock.advanceTimeBy(Duration.ofMillis(1));
        assertThat(at).containsExactly(0, 0, 0, 1000, -1);
        store.tokens = 1;
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(at[4]).isEqualTo(2000);
    }

    @Test
    void aCancelledRequestLeavesTheQueue() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.tokens = 0;
        List<Disposable> handles = new ArrayList<>();
        long[] at = gateAll(budget, 3, handles, new ArrayList<>());
        clock.advanceTimeBy(Duration.ZERO);
        handles.get(0).dispose();
        handles.get(1).dispose();
        store.tokens = 1;
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(at).containsExactly(-1, -1, 1000);
        assertThat(store.tokens).isZero();
    }

    @Test
    void aHoldTheServiceAsksForIsPassedOnAndRequestsWaitItOutWithoutAskingTheStore() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.tokens = 100;
        budget.onAnswer(429, new RateLimitInfo(null, null, null, Duration.ofSeconds(3)));
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(store.holds).containsExactly(Duration.ofSeconds(3));

        int takes = store.takes;
        long[] at = gateAll(budget, 2);
        clock.advanceTimeBy(Duration.ofMillis(2999));
        assertThat(store.takes).isEqualTo(takes);
        assertThat(at).containsExactly(-1, -1);
        clock.advanceTimeBy(Duration.ofMillis(1));
        assertThat(at).containsExactly(3000, 3000);
    }

    @Test
    void aSpentWindowHoldsUntilItsResetAndA429AtLeastASecond() {
        StoredBudget budget = budget(TEN_PER_10S);
        budget.onAnswer(200, new RateLimitInfo(10, 0, Instant.ofEpochMilli(5_000), null));
        budget.onAnswer(429, new RateLimitInfo(10, 0, Instant.ofEpochMilli(0), null));
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(store.holds).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    @Test
    void aHoldLongerThanARequestWaitsFailsRequestsAtOnceWhoeverSetIt() {
        StoredBudget budget = budget(TEN_PER_10S);
        // another process's 429: the store says so
        store.heldFor = Duration.ofMinutes(30);
        List<Throwable> errors = new ArrayList<>();
        long[] at = gateAll(budget, 3, new ArrayList<>(), errors);
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(at).containsExactly(-2, -2, -2);
        assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("30m").hasMessageContaining("maxServerDelay"));
        assertThat(((RateLimitedException) errors.get(0)).retryAfter()).hasValueSatisfying(
                d -> assertThat(d).isBetween(Duration.ofMinutes(29), Duration.ofMinutes(30)));
        int takes = store.takes;
        gateAll(budget, 1, new ArrayList<>(), errors);
        assertThat(store.takes).as("newcomers fail without asking").isEqualTo(takes);
        assertThat(errors).hasSize(4);
    }

    @Test
    void aLimitBelowTheConfiguredOneResizesTheStoreOnceAndBackUpToIt() {
        StoredBudget budget = budget(TEN_PER_10S);
        budget.onAnswer(200, new RateLimitInfo(5, 4, null, null));
        budget.onAnswer(200, new RateLimitInfo(5, 3, null, null));
        budget.onAnswer(200, new RateLimitInfo(1000, 990, null, null));
        budget.onAnswer(200, new RateLimitInfo(10, 9, null, null));
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(store.resizes).containsExactly(List.of(new Bandwidth(1, 3, Duration.ofSeconds(10))),
                List.of(new Bandwidth(2, 7, Duration.ofSeconds(10))));
    }

    @Test
    void aFailingStoreHandsTheQueueToTheLocalBudgetAtOnceWarnsOnceAndIsTriedAgainLater() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.tokens = 0;
        long[] queued = gateAll(budget, 2);
        clock.advanceTimeBy(Duration.ofMillis(100));
        assertThat(queued).containsExactly(-1, -1);

        store.failing = true;
        clock.advanceTimeBy(Duration.ofMillis(900));
        assertThat(queued).as("granted by the local budget the moment the store failed").containsExactly(1000, 1000);
        int takes = store.takes;
        long[] more = gateAll(budget, 3);
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(store.takes).as("while on the local budget, the store is not asked").isEqualTo(takes);

        // 5 s after the failure (the default retry interval), a request tries the store again
        clock.advanceTimeBy(Duration.ofSeconds(4));
        gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(store.takes).isEqualTo(takes + 1);
        gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(store.takes).as("failed again: local for another interval").isEqualTo(takes + 1);

        store.failing = false;
        store.tokens = 10;
        clock.advanceTimeBy(Duration.ofSeconds(5));
        long[] back = gateAll(budget, 2);
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(back).containsExactly(11_000, 11_000);
        assertThat(store.tokens).as("from the store again").isEqualTo(8);

        assertThat(more).as("paced by the local budget (2 at once, then 0.7/s), spent by the two before")
                .containsExactly(2428, 3857, 5285);
        assertThat(events).containsExactly("unavailable fake-store", "restored after 10000ms");
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("fake-store is unavailable")
                        .contains("own budget"));
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("answers again"));
    }

    @Test
    void aSlowStartIsGivenItsStartTimeoutOnly() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.silent = true;
        long[] at = gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ofMillis(4999));
        assertThat(at).containsExactly(-1);
        clock.advanceTimeBy(Duration.ofMillis(1));
        assertThat(at).containsExactly(5000);
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("no answer within 5s"));
    }

    @Test
    void aSlowStoreCountsAsUnavailableAfterItsTimeout() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.tokens = 1;
        gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ZERO);
        store.silent = true;
        long[] at = gateAll(budget, 3);
        clock.advanceTimeBy(Duration.ofMillis(499));
        assertThat(at).containsExactly(-1, -1, -1);
        clock.advanceTimeBy(Duration.ofMillis(1));
        assertThat(at).as("all handed to the local budget: 2 at once, then 0.7/s").containsExactly(500, 500, -1);
        clock.advanceTimeBy(Duration.ofMillis(1500));
        assertThat(at[2]).isBetween(1928L, 1929L);
        assertThat(events).containsExactly("unavailable fake-store");
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("no answer within 500ms"));
    }

    @Test
    void aStoreThatThrowsOrAnswersNothingIsUnavailableToo() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.throwing = true;
        long[] at = gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ZERO);
        assertThat(at).containsExactly(0);
        assertThat(events).hasSize(1);
    }

    @Test
    void holdsAreLeftToTheLocalBudgetWhileTheStoreIsDown() {
        StoredBudget budget = budget(TEN_PER_10S);
        store.failing = true;
        gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ZERO);
        budget.onAnswer(429, new RateLimitInfo(null, null, null, Duration.ofSeconds(2)));
        long[] at = gateAll(budget, 1);
        clock.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(at).as("the local budget holds").containsExactly(2000);
        assertThat(store.holds).isEmpty();
    }

    /** A store scripted by the test, answering synchronously unless told otherwise. */
    private static final class FakeStore extends RecordingBudgetStore {
        int tokens;
        Duration heldFor;
        boolean failing;
        boolean throwing;
        boolean silent;
        int takes;
        int concurrentTakes;
        int maxConcurrentTakes;
        final Deque<CompletableFuture<Take>> pending = new ArrayDeque<>();

        FakeStore() {
            super("fake-store");
        }

        @Override
        public CompletionStage<Take> tryTake() {
            takes++;
            if (throwing) {
                throw new IllegalStateException("broken");
            }
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
            }
            if (silent) {
                CompletableFuture<Take> never = new CompletableFuture<>();
                pending.add(never);
                return never;
            }
            concurrentTakes++;
            maxConcurrentTakes = Math.max(maxConcurrentTakes, concurrentTakes);
            try {
                if (heldFor != null) {
                    return CompletableFuture.completedFuture(Take.heldFor(heldFor));
                }
                if (tokens > 0) {
                    tokens--;
                    return CompletableFuture.completedFuture(Take.granted());
                }
                return CompletableFuture.completedFuture(Take.retryIn(Duration.ofSeconds(1)));
            } finally {
                concurrentTakes--;
            }
        }
    }
}
