package io.asyncinvoke.client;

import io.asyncinvoke.client.RequestBudgetOptions.Limit;
import io.asyncinvoke.client.WaiterQueue.Waiter;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The token buckets of {@link RequestBudgetOptions}, shared by every request of one client.
 *
 * <p>A request that finds no token joins one FIFO {@link WaiterQueue} (an intrusive list, so a
 * cancelled waiter leaves it in O(1)); a single timer on the parallel scheduler wakes up when the
 * head can be served. No thread ever waits: a waiting request is a node in the queue. All state
 * sits behind this object's monitor, held for a few arithmetic steps; subscribers are signalled
 * outside it.
 *
 * <p>Time comes from {@link Schedulers#parallel()} at each use, so that a test's virtual clock
 * drives the budget like it drives the polls.
 *
 * <p>No request waits for a hold longer than the client would wait for a server's
 * {@code Retry-After} ({@link RetryOptions#maxServerDelay()}): while such a hold lasts, requests
 * fail at once with {@link RateLimitedException} saying when to come back, instead of hanging.
 */
final class RequestBudget implements RequestGate {

    /** A budget that lets everything through at once. */
    static final RequestBudget UNLIMITED = new RequestBudget(RequestBudgetOptions.disabled(), AsyncInvokeListener.NONE,
            Schedulers::parallel, Duration.ZERO);

    /** The shortest hold after a 429, also when it said nothing (or "0") about when to come back. */
    private static final long MIN_429_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Bucket[] buckets;
    private final AsyncInvokeListener listener;
    private final Supplier<Scheduler> scheduler;
    private final Mono<Void> acquire = new Acquire(null);
    private final long maxWaitNanos;

    /** Guarded by this budget's monitor, like the buckets: taking a token and leaving the queue are one step. */
    private final WaiterQueue queue = new WaiterQueue(this);
    private long holdUntilNanos;
    /** What the answer that set the current hold said. */
    private RateLimitInfo holdInfo = RateLimitInfo.NONE;
    private boolean timerPending;

    RequestBudget(RequestBudgetOptions options, AsyncInvokeListener listener, Supplier<Scheduler> scheduler) {
        this(options, listener, scheduler, RetryOptions.defaults().maxServerDelay());
    }

    /** @param maxWait the longest hold a request waits out; a longer one fails requests at once */
    RequestBudget(RequestBudgetOptions options, AsyncInvokeListener listener, Supplier<Scheduler> scheduler,
                  Duration maxWait) {
        List<Limit> limits = options.limits();
        this.buckets = new Bucket[limits.size()];
        long now = limits.isEmpty() ? 0 : scheduler.get().now(TimeUnit.NANOSECONDS);
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(limits.get(i), options.burst(), now);
        }
        this.listener = listener;
        this.scheduler = scheduler;
        this.maxWaitNanos = maxWait.toNanos();
    }

    static RequestBudget of(RequestBudgetOptions options, AsyncInvokeListener listener, Duration maxWait) {
        return options.isEnabled() ? new RequestBudget(options, listener, Schedulers::parallel, maxWait) : UNLIMITED;
    }

    boolean isEnabled() {
        return buckets.length > 0;
    }

    /** {@code request} behind one token: each subscription (so each retry) waits for its own. */
    <T> Mono<T> gate(Mono<T> request) {
        return gate(null, request);
    }

    /** As {@link #gate(Mono)}, a wait reported as one of {@code attempt}. */
    @Override
    public <T> Mono<T> gate(Call.Attempt attempt, Mono<T> request) {
        return isEnabled() ? new Gated<>(attempt, request) : request;
    }

    /** Completes (empty) once a token is granted; cancelling leaves the queue. */
    Mono<Void> acquire() {
        return isEnabled() ? acquire : Mono.empty();
    }

    /** As {@link #acquire()}, a wait reported as one of {@code attempt} (may be null). */
    Mono<Void> acquire(Call.Attempt attempt) {
        return !isEnabled() ? Mono.empty() : attempt == null ? acquire : new Acquire(attempt);
    }

    /**
     * Adjusts the budget to what an answer said about the service's own count. Never throws: the
     * answer it comes with (a job just created, say) must reach the caller whatever the headers.
     */
    @Override
    public void onAnswer(int statusCode, RateLimitInfo info) {
        if (!isEnabled() || (statusCode != 429 && info.isEmpty())) {
            return;
        }
        Waiter refused;
        RateLimitedException tooLong;
        Scheduler clock = scheduler.get();
        long now = clock.now(TimeUnit.NANOSECONDS);
        // clamped to an hour at most: the arithmetic below cannot overflow
        Duration wait = info.serverRequestedDelay(clock.now(TimeUnit.MILLISECONDS));
        synchronized (this) {
            refill(now);
            Bucket shortest = buckets[0];
            Integer limit = info.limitOrNull();
            Integer remaining = info.remainingOrNull();
            if (limit != null && limit >= 2) {
                // up as well as down: one odd answer must not leave the budget small for good
                shortest.resizeTo(limit);
            }
            if (remaining != null) {
                // Another process may share the key: never believe we have more than the service says.
                shortest.tokens = Math.min(shortest.tokens, Math.max(0, remaining));
            }
            long holdNanos = holdNanos(statusCode, wait);
            if (holdNanos > 0) {
                if (now + holdNanos - holdUntilNanos > 0) {
                    holdUntilNanos = now + holdNanos;
                    holdInfo = info;
                }
                // The service frees its window gradually: one request at the end of the hold, then the rate.
                shortest.tokens = 1;
                shortest.lastNanos = Math.max(shortest.lastNanos, holdUntilNanos);
            }
            tooLong = holdTooLong(now);
            refused = tooLong == null ? null : takeAllWaiters();
        }
        WaiterQueue.fail(refused, tooLong);
    }

    /**
     * How long an answer holds every request, in nanoseconds (0 for not at all): what the service
     * asked for ({@code wait}, from {@link RateLimitInfo#serverRequestedDelay}), and at least a
     * second after a 429. The same rule for the in-process and a stored budget.
     */
    static long holdNanos(int statusCode, Duration wait) {
        long holdNanos = wait != null ? wait.toNanos() : 0;
        if (statusCode == 429) {
            // the vendor's advice: wait at least a second after a rejection, even when its reset says 0
            holdNanos = Math.max(holdNanos, MIN_429_HOLD_NANOS);
        }
        return holdNanos;
    }

    /** The error for a request arriving now, when the current hold lasts longer than a request waits; else null. */
    private RateLimitedException holdTooLong(long now) {
        return holdTooLong(holdUntilNanos - now, maxWaitNanos, holdInfo);
    }

    /**
     * The error for a request arriving {@code left} nanoseconds before the end of a hold, when that
     * is longer than a request waits; else null.
     */
    static RateLimitedException holdTooLong(long left, long maxWaitNanos, RateLimitInfo holdInfo) {
        if (left <= maxWaitNanos) {
            return null;
        }
        Duration rest = Duration.ofNanos(left);
        RateLimitInfo info = holdInfo.withRetryAfter(rest);
        return new RateLimitedException("Rate limited: the service asked this client to hold every request for "
                + DurationFormat.format(rest) + " more, longer than a request waits ("
                + DurationFormat.format(Duration.ofNanos(maxWaitNanos)) + ", RetryOptions.maxServerDelay); retry after that",
                null, 429, null, null, null, info, null);
    }

    // ------------------------------------------------------------------ inside the monitor

    private void refill(long now) {
        for (Bucket bucket : buckets) {
            bucket.refill(now);
        }
    }

    private boolean canTakeToken(long now) {
        if (now < holdUntilNanos) {
            return false;
        }
        for (Bucket bucket : buckets) {
            if (bucket.tokens < 1) {
                return false;
            }
        }
        return true;
    }

    /** Takes a token for a newcomer: only when one is free and nobody waits before it. */
    private boolean takeTokenIfFree(long now) {
        refill(now);
        if (!queue.isEmpty() || !canTakeToken(now)) {
            return false;
        }
        takeToken();
        return true;
    }

    private void takeToken() {
        for (Bucket bucket : buckets) {
            bucket.tokens -= 1;
        }
    }

    private long nanosUntilServable(long now) {
        long wait = holdUntilNanos > now ? holdUntilNanos - now : 0;
        for (Bucket bucket : buckets) {
            wait = Math.max(wait, bucket.nanosUntilToken());
        }
        return Math.max(1, wait);
    }

    // ------------------------------------------------------------------ timer

    /** Called with the monitor held; the timer itself runs {@link #pump()}. */
    private Runnable armTimer(long now) {
        if (timerPending || queue.isEmpty()) {
            return null;
        }
        timerPending = true;
        long delay = nanosUntilServable(now);
        return () -> schedule(delay);
    }

    private void schedule(long delayNanos) {
        try {
            scheduler.get().schedule(this::pump, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            failAll(shutDown);
        }
    }

    private void pump() {
        Waiter granted = null;
        Waiter grantedTail = null;
        Runnable rearm;
        long now = scheduler.get().now(TimeUnit.NANOSECONDS);
        synchronized (this) {
            timerPending = false;
            refill(now);
            while (!queue.isEmpty() && canTakeToken(now)) {
                takeToken();
                Waiter w = queue.pollGranted();
                if (grantedTail == null) {
                    granted = w;
                } else {
                    grantedTail.next = w;
                }
                grantedTail = w;
            }
            rearm = armTimer(now);
        }
        if (rearm != null) {
            rearm.run();
        }
        while (granted != null) {
            Waiter w = granted;
            granted = w.next;
            w.next = null;
            w.complete(now - w.sinceNanos, listener);
        }
    }

    private void failAll(Throwable error) {
        Waiter chain;
        synchronized (this) {
            chain = takeAllWaiters();
        }
        WaiterQueue.fail(chain, error);
    }

    /** Empties the queue (monitor held), so no timer is pending any more; the chain is to be failed outside the monitor. */
    private Waiter takeAllWaiters() {
        timerPending = false;
        return queue.takeAll();
    }

    // ------------------------------------------------------------------ the Mono and its waiters

    /**
     * A request behind a token. When a token is free and nobody waits (the usual case), the request
     * is subscribed at once, with no operator nor waiter in between; otherwise it waits in the
     * queue like any {@link #acquire()}.
     */
    private final class Gated<T> extends Mono<T> {
        private final Call.Attempt attempt;
        private final Mono<T> request;

        Gated(Call.Attempt attempt, Mono<T> request) {
            this.attempt = attempt;
            this.request = request;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            long now = scheduler.get().now(TimeUnit.NANOSECONDS);
            boolean granted;
            RateLimitedException tooLong;
            synchronized (RequestBudget.this) {
                tooLong = holdTooLong(now);
                granted = tooLong == null && takeTokenIfFree(now);
            }
            if (tooLong != null) {
                Operators.error(actual, tooLong);
            } else if (granted) {
                request.subscribe(actual);
            } else {
                new Acquire(attempt).then(request).subscribe(actual);
            }
        }
    }

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
            Scheduler clock = scheduler.get();
            long now = clock.now(TimeUnit.NANOSECONDS);
            boolean grantedNow;
            Runnable arm = null;
            RateLimitedException tooLong;
            synchronized (RequestBudget.this) {
                if (w.cancelled) {
                    return;
                }
                tooLong = holdTooLong(now);
                if (tooLong != null) {
                    w.granted = true;
                    grantedNow = false;
                } else if (takeTokenIfFree(now)) {
                    w.granted = true;
                    grantedNow = true;
                } else {
                    w.sinceNanos = now;
                    queue.enqueue(w);
                    arm = armTimer(now);
                    grantedNow = false;
                }
            }
            if (arm != null) {
                arm.run();
            }
            if (tooLong != null) {
                actual.onError(tooLong);
            } else if (grantedNow) {
                actual.onComplete();
            }
        }
    }

    /**
     * The tokens a bucket of {@code limit} requests per window holds at most: the burst's share of
     * the limit, less a margin for latency and clock differences (what leaves together may arrive
     * apart). The same sizing for the in-process and a stored budget.
     */
    static long capacity(int limit, double burst) {
        return Math.max(1, Math.min(Math.round(burst * limit), effective(limit) - 1));
    }

    /** The tokens such a bucket gains over one window, so that no window sees more than the limit less the margin. */
    static long refillTokens(int limit, double burst) {
        return Math.max(1, effective(limit) - capacity(limit, burst));
    }

    private static int effective(int limit) {
        return limit - Math.max(1, (int) Math.ceil(limit * 0.02));
    }

    /** One limit's bucket: tokens refill continuously so that no window exceeds the limit. */
    private static final class Bucket {
        private final int configured;
        private final long windowNanos;
        private final double burst;
        int requests;
        double capacity;
        double tokensPerNano;
        double tokens;
        long lastNanos;

        Bucket(Limit limit, double burst, long now) {
            this.configured = limit.requests();
            this.windowNanos = limit.window().toNanos();
            this.burst = burst;
            this.lastNanos = now;
            size(limit.requests());
            this.tokens = capacity;
        }

        private void size(int limit) {
            this.requests = limit;
            this.capacity = capacity(limit, burst);
            this.tokensPerNano = refillTokens(limit, burst) / (double) windowNanos;
            this.tokens = Math.min(tokens, capacity);
        }

        /** The service's limit, as far as it is below the configured one. */
        void resizeTo(int limit) {
            int effective = Math.min(limit, configured);
            if (effective != requests) {
                size(effective);
            }
        }

        void refill(long now) {
            if (now > lastNanos) {
                tokens = Math.min(capacity, tokens + (now - lastNanos) * tokensPerNano);
                lastNanos = now;
            }
        }

        long nanosUntilToken() {
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
        }
    }
}
