package io.asyncinvoke.client;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * At most as many API requests of one client in flight as its connection pool has connections;
 * the others wait here, first come first served, without holding a thread. The pool's own queue
 * of pending acquires is bounded (twice its connections) and fails requests beyond it, so 2,000
 * watches with no request budget would otherwise see {@code PoolAcquirePendingLimitException}s
 * instead of simply waiting their turn.
 */
final class ConcurrencyLimit {

    /** No limit: requests go straight to the pool. */
    static final ConcurrencyLimit NONE = new ConcurrencyLimit(0);

    private final int max;
    private final ArrayDeque<Permit> waiting = new ArrayDeque<>();
    private int inFlight;

    private ConcurrencyLimit(int max) {
        this.max = max;
    }

    /** A limit of {@code max} requests in flight; {@link #NONE} for a pool of unknown or unbounded size. */
    static ConcurrencyLimit of(int max) {
        return max > 0 ? new ConcurrencyLimit(max) : NONE;
    }

    /** {@code request} once a place is free; the place is given back however the request ends, cancel included. */
    <T> Mono<T> gate(Mono<T> request) {
        if (max <= 0) {
            return request;
        }
        return Mono.defer(() -> {
            Permit permit = new Permit();
            return permit.acquire().then(request).doFinally(signal -> permit.release());
        });
    }

    /** One request's place: granted at once, or queued until another request ends. */
    private final class Permit {
        private final AtomicBoolean released = new AtomicBoolean();
        /** Guarded by the limit's monitor. */
        private boolean granted;
        private MonoSink<Void> sink;

        Mono<Void> acquire() {
            return Mono.create(sink -> {
                boolean now;
                synchronized (ConcurrencyLimit.this) {
                    if (released.get()) {
                        return;
                    }
                    now = inFlight < max && waiting.isEmpty();
                    if (now) {
                        inFlight++;
                        granted = true;
                    } else {
                        this.sink = sink;
                        waiting.add(this);
                    }
                }
                if (now) {
                    sink.success();
                }
            });
        }

        /** Once: hands the place to the next waiter, or leaves the queue when it never had one. */
        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            Permit next = null;
            synchronized (ConcurrencyLimit.this) {
                if (granted) {
                    next = waiting.poll();
                    if (next != null) {
                        next.granted = true;
                    } else {
                        inFlight--;
                    }
                } else {
                    waiting.remove(this);
                }
            }
            if (next != null) {
                // should next have been cancelled meanwhile, its own release passes the place on
                next.sink.success();
            }
        }
    }
}
