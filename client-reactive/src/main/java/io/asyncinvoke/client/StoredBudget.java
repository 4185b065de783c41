package io.asyncinvoke.client;

import io.asyncinvoke.client.RequestBudgetOptions.Limit;
import io.asyncinvoke.client.WaiterQueue.Waiter;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.client.spi.BudgetStore.Bandwidth;
import io.asyncinvoke.client.spi.BudgetStore.Take;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The request budget kept by a {@link BudgetStore}, with the in-process {@link RequestBudget} as its
 * fallback.
 *
 * <p>The rules are the in-process budget's: requests wait for a token in one first-come,
 * first-served queue of this client (a node each, no thread), whose first request asks the store
 * and, when refused, asks again after the wait the store said; a cancelled request leaves the queue;
 * answers' holds and limits are passed on to the store, and a hold longer than
 * {@link RetryOptions#maxServerDelay()} fails requests at once.
 *
 * <p>The store can never fail or stall a request: a call that fails, or has not answered within
 * {@link BudgetStore#timeout()}, hands every queued request to the fallback at once, and for
 * {@link BudgetStore#retryInterval()} new requests go straight to it (the in-process path, as cheap
 * as without a store); then the next request asks the store again. The fallback hears every answer
 * all along, so it knows the service's holds when it takes over. One WARN per outage, one INFO when
 * the store is back, and the listener hears both.
 */
final class StoredBudget implements RequestGate {

    private static final Logger LOG = LoggerFactory.getLogger(StoredBudget.class);
    /** Never ask a store again sooner than this after it refused, whatever it said. */
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The signal that hands a waiter to the fallback; never reaches a caller. */
    private static final RuntimeException TO_FALLBACK = new RuntimeException("budget store unavailable", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    private final BudgetStore.Budget store;
    private final String storeName;
    private final RequestBudget fallback;
    private final AsyncInvokeListener listener;
    private final Supplier<Scheduler> scheduler;
    private final long maxWaitNanos;
    private final Duration timeout;
    private final Duration startTimeout;
    /** The store answered a call once: from then on, calls have {@link #timeout}. */
    private volatile boolean started;
    private final long retryNanos;
    private final int configuredShortest;
    private final Duration shortestWindow;
    private final double burst;
    private final List<Bandwidth> bandwidths;

    /** The requests of this client waiting for the store, guarded by this budget's monitor. */
    private final WaiterQueue queue = new WaiterQueue(this);
    /** A call to the store, or a timer before one, is pending for the head of the queue. */
    private boolean asking;
    private long holdUntilNanos;
    private RateLimitInfo holdInfo = RateLimitInfo.NONE;
    private int appliedLimit;
    /** Read without the monitor on the hot path: while true and before {@link #retryAtNanos}, requests go to the fallback. */
    private volatile boolean onFallback;
    private volatile long retryAtNanos;
    private long downSinceNanos;

    StoredBudget(BudgetStore store, BudgetStore.Spec spec, RequestBudgetOptions options, AsyncInvokeListener listener,
                 Supplier<Scheduler> scheduler, Duration maxWait) {
        this.storeName = String.valueOf(store);
        this.store = java.util.Objects.requireNonNull(store.open(spec), "BudgetStore.open returned null");
        this.fallback = new RequestBudget(options, listener, scheduler, maxWait);
        this.listener = listener;
        this.scheduler = scheduler;
        this.maxWaitNanos = maxWait.toNanos();
        this.timeout = positive(store.timeout(), Duration.ofMillis(500));
        Duration start = positive(store.startTimeout(), Duration.ofSeconds(5));
        this.startTimeout = start.compareTo(timeout) < 0 ? timeout : start;
        this.retryNanos = positive(store.retryInterval(), Duration.ofSeconds(5)).toNanos();
        Limit shortest = options.limits().get(0);
        this.configuredShortest = shortest.requests();
        this.shortestWindow = shortest.window();
        this.burst = options.burst();
        this.appliedLimit = configuredShortest;
        this.bandwidths = spec.bandwidths();
    }

    private static Duration positive(Duration value, Duration otherwise) {
        return value == null || value.isZero() || value.isNegative() ? otherwise : value;
    }

    /** What a store keeps for a client of the endpoint ({@code identity}: its normalized form) and {@code apiKey} with these options. */
    static BudgetStore.Spec spec(String identity, String endpoint, String apiKey, RequestBudgetOptions options) {
        return new BudgetStore.Spec(budgetId(identity, apiKey), endpoint, bandwidths(options.limits(), options.burst()));
    }

    /** 32 hex digits of SHA-256 over the endpoint and the key: the same for every client of both, and not the key. */
    static String budgetId(String endpoint, String apiKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(("async-invoke request budget\n" + endpoint + "\n" + apiKey)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static List<Bandwidth> bandwidths(List<Limit> limits, double burst) {
        List<Bandwidth> out = new ArrayList<>();
        for (Limit limit : limits) {
            out.add(bandwidth(limit.requests(), limit.window(), burst));
        }
        return out;
    }

    private static Bandwidth bandwidth(int requests, Duration window, double burst) {
        return new Bandwidth(RequestBudget.capacity(requests, burst), RequestBudget.refillTokens(requests, burst), window);
    }

    private long now() {
        return scheduler.get().now(TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ the gate

    @Override
    public <T> Mono<T> gate(Call.Attempt attempt, Mono<T> request) {
        if (onFallback && now() - retryAtNanos < 0) {
            return fallback.gate(attempt, request);
        }
        return new Acquire(attempt).onErrorResume(e -> e == TO_FALLBACK, e -> fallback.acquire(attempt)).then(request);
    }

    @Override
    public void onAnswer(int statusCode, RateLimitInfo info) {
        // the fallback hears everything, so that it knows the service's state if it has to take over
        fallback.onAnswer(statusCode, info);
        if (statusCode != 429 && info.isEmpty()) {
            return;
        }
        Scheduler clock = scheduler.get();
        long now = clock.now(TimeUnit.NANOSECONDS);
        long holdNanos = RequestBudget.holdNanos(statusCode, info.serverRequestedDelay(clock.now(TimeUnit.MILLISECONDS)));
        Integer limit = info.limitOrNull();
        List<Bandwidth> resized = null;
        Waiter refused;
        RateLimitedException tooLong;
        synchronized (this) {
            if (limit != null && limit >= 2) {
                // up as well as down, never above the configured limit: as the in-process budget
                int target = Math.min(limit, configuredShortest);
                if (target != appliedLimit) {
                    appliedLimit = target;
                    resized = new ArrayList<>(bandwidths);
                    resized.set(0, bandwidth(target, shortestWindow, burst));
                }
            }
            if (holdNanos > 0 && now + holdNanos - holdUntilNanos > 0) {
                holdUntilNanos = now + holdNanos;
                holdInfo = info;
            }
            tooLong = RequestBudget.holdTooLong(holdUntilNanos - now, maxWaitNanos, holdInfo);
            refused = tooLong == null ? null : takeAllWaiters();
        }
        if (!onFallback) {
            if (holdNanos > 0) {
                quietly(() -> store.hold(Duration.ofNanos(holdNanos)), "hold");
            }
            if (resized != null) {
                List<Bandwidth> next = resized;
                quietly(() -> store.resize(next), "resize");
            }
        }
        WaiterQueue.fail(refused, tooLong);
    }

    /** A call whose failure only matters for its own sake: the next {@link #ask()} finds out whether the store is there. */
    private void quietly(Supplier<CompletionStage<Void>> call, String what) {
        Mono.fromCompletionStage(call).timeout(timeout, scheduler.get())
                .subscribe(null, e -> LOG.debug("Budget store {}: {} failed: {}", storeName, what, e.toString()));
    }

    // ------------------------------------------------------------------ asking the store

    /** Asks the store for the head's token, or waits for the hold to end first. Outside the monitor. */
    private void ask() {
        long now = now();
        long holdLeft;
        synchronized (this) {
            if (queue.isEmpty()) {
                asking = false;
                return;
            }
            holdLeft = holdUntilNanos - now;
        }
        if (holdLeft > 0) {
            schedule(this::ask, holdLeft);
            return;
        }
        Mono.fromCompletionStage(store::tryTake)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("tryTake completed without an answer")))
                .timeout(started ? timeout : startTimeout, scheduler.get())
                .subscribe(this::onTake, this::storeFailed);
    }

    private void onTake(Take take) {
        started = true;
        long now = now();
        Waiter granted = null;
        Waiter refused = null;
        RateLimitedException tooLong = null;
        long askAgainIn = -1;
        boolean restored;
        long outage = 0;
        synchronized (this) {
            restored = onFallback;
            if (restored) {
                onFallback = false;
                outage = now - downSinceNanos;
            }
            if (take.isGranted()) {
                granted = queue.pollGranted();
                askAgainIn = queue.isEmpty() ? -1 : 0;
            } else {
                long wait = Math.max(MIN_RETRY_NANOS, take.waitTime().toNanos());
                if (take.isHeld()) {
                    if (now + wait - holdUntilNanos > 0) {
                        holdUntilNanos = now + wait;
                        holdInfo = RateLimitInfo.NONE;
                    }
                    tooLong = RequestBudget.holdTooLong(holdUntilNanos - now, maxWaitNanos, holdInfo);
                    if (tooLong != null) {
                        refused = takeAllWaiters();
                    }
                }
                askAgainIn = queue.isEmpty() ? -1 : wait;
            }
            if (askAgainIn < 0) {
                asking = false;
            }
        }
        if (restored) {
            Duration down = Duration.ofNanos(outage);
            LOG.info("Request budget store {} answers again: this client shares its budget again (after {} on its own)",
                    storeName, DurationFormat.format(down));
            listener.budgetStoreRestored(storeName, down);
        }
        if (granted != null) {
            deliver(granted, now);
        }
        WaiterQueue.fail(refused, tooLong);
        if (askAgainIn >= 0) {
            // through the scheduler even at once: a store that answers synchronously must not recurse
            schedule(this::ask, askAgainIn);
        }
    }

    private void storeFailed(Throwable error) {
        long now = now();
        Waiter queued;
        boolean newOutage;
        synchronized (this) {
            newOutage = !onFallback;
            if (newOutage) {
                downSinceNanos = now;
            }
            retryAtNanos = now + retryNanos;
            onFallback = true;
            queued = takeAllWaiters();
        }
        if (newOutage) {
            String cause = error instanceof TimeoutException
                    ? "no answer within " + DurationFormat.format(started ? timeout : startTimeout)
                    : String.valueOf(error);
            LOG.warn("Request budget store {} is unavailable ({}): this client counts its requests on its own budget"
                    + " until the store answers again (tried every {})", storeName, cause,
                    DurationFormat.format(Duration.ofNanos(retryNanos)));
            listener.budgetStoreUnavailable(storeName, error);
        } else {
            LOG.debug("Request budget store {} is still unavailable: {}", storeName, error.toString());
        }
        // the queue moves to the fallback, in order
        WaiterQueue.fail(queued, TO_FALLBACK);
    }

    // ------------------------------------------------------------------ inside the monitor

    /** Empties the queue, so nobody is asking the store any more; the chain is to be failed outside the monitor. */
    private Waiter takeAllWaiters() {
        asking = false;
        return queue.takeAll();
    }

    // ------------------------------------------------------------------ outside the monitor

    private void schedule(Runnable task, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                scheduler.get().schedule(task);
            } else {
                scheduler.get().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException shutDown) {
            storeFailed(shutDown);
        }
    }

    /** Grants off the store's thread (a Redis client's event loop, say): the request then runs on the client's scheduler. */
    private void deliver(Waiter w, long now) {
        long waited = now - w.sinceNanos;
        Runnable complete = () -> w.complete(waited, listener);
        try {
            scheduler.get().schedule(complete);
        } catch (RejectedExecutionException shutDown) {
            complete.run();
        }
    }

    // ------------------------------------------------------------------ the Mono and its waiters

    /** Each subscription is one request for one token, on behalf of {@code attempt} (may be null). */
    private final class Acquire extends Mono<Void> {
        private final Call.Attempt attempt;

        Acquire(Call.Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            Waiter w = new Waiter(queue, actual, attempt);
            actual.onSubscribe(w);
            long now = now();
            RateLimitedException tooLong;
            boolean toFallback;
            boolean askNow = false;
            synchronized (StoredBudget.this) {
                if (w.cancelled) {
                    return;
                }
                tooLong = RequestBudget.holdTooLong(holdUntilNanos - now, maxWaitNanos, holdInfo);
                toFallback = tooLong == null && onFallback && now - retryAtNanos < 0;
                if (tooLong != null || toFallback) {
                    w.granted = true;
                } else {
                    w.sinceNanos = now;
                    queue.enqueue(w);
                    if (!asking) {
                        asking = true;
                        askNow = true;
                    }
                }
            }
            if (tooLong != null) {
                actual.onError(tooLong);
            } else if (toFallback) {
                actual.onError(TO_FALLBACK);
            } else if (askNow) {
                ask();
            }
        }
    }

    @Override
    public String toString() {
        return "StoredBudget{" + storeName + '}';
    }

    /** For {@link Schedulers#parallel()} as the clock. */
    static StoredBudget of(BudgetStore store, BudgetStore.Spec spec, RequestBudgetOptions options,
                           AsyncInvokeListener listener, Duration maxWait) {
        return new StoredBudget(store, spec, options, listener, Schedulers::parallel, maxWait);
    }
}
