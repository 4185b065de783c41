package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import java.time.Duration;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * The first-come, first-served queue of requests waiting for a token, shared by {@link RequestBudget}
 * and {@link StoredBudget}: an intrusive doubly linked list, so that a cancelled waiter leaves it in
 * O(1) and a waiting request costs one node, its own Subscription.
 *
 * <p>The queue has no lock of its own: it is guarded by its budget's monitor ({@link #lock}), which
 * also guards the budget's own state, so that taking a token and leaving the queue are one step.
 * The queue's methods but {@link #fail} are called with that monitor held, and
 * {@link Waiter#cancel()} takes it; subscribers are signalled outside it ({@link #fail},
 * {@link Waiter#complete}).
 */
final class WaiterQueue {

    /** The budget whose monitor guards this queue; a waiter's {@link Waiter#cancel()} takes it too. */
    private final Object lock;
    private Waiter head;
    private Waiter tail;

    WaiterQueue(Object lock) {
        this.lock = lock;
    }

    boolean isEmpty() {
        return head == null;
    }

    void enqueue(Waiter w) {
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
            w.prev = tail;
        }
        tail = w;
    }

    /** Takes the first waiter out and marks it granted (so that a late cancel does nothing); null when none waits. */
    Waiter pollGranted() {
        Waiter w = head;
        if (w != null) {
            unlink(w);
            w.granted = true;
        }
        return w;
    }

    /**
     * Empties the queue; the chain (linked by {@link Waiter#next}) is to be failed outside the
     * monitor. Its waiters are marked out of the queue here, under the monitor: a cancel while the
     * chain is failed must not unlink a node from a queue it has left (that would point the queue's
     * tail at a node of the chain, and strand the next request).
     */
    Waiter takeAll() {
        Waiter chain = head;
        for (Waiter w = chain; w != null; w = w.next) {
            w.granted = true;
        }
        head = null;
        tail = null;
        return chain;
    }

    private void unlink(Waiter w) {
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
    }

    /** Signals {@code error} to every waiter of a chain from {@link #takeAll()}, in order. Outside the monitor. */
    static void fail(Waiter chain, Throwable error) {
        while (chain != null) {
            Waiter w = chain;
            chain = w.next;
            w.next = null;
            w.prev = null;
            w.actual.onError(error);
        }
    }

    /** A request waiting for a token: a node of the FIFO queue and the subscriber's Subscription. */
    static final class Waiter implements org.reactivestreams.Subscription {
        private final WaiterQueue queue;
        final CoreSubscriber<? super Void> actual;
        final Call.Attempt attempt;
        Waiter prev;
        /** The next in the queue, or, once out of it, the next of a chain being granted or failed. */
        Waiter next;
        long sinceNanos;
        /** Never (again) in the queue: granted a token, failed, or answered before joining; a cancel then does nothing. */
        boolean granted;
        boolean cancelled;

        Waiter(WaiterQueue queue, CoreSubscriber<? super Void> actual, Call.Attempt attempt) {
            this.queue = queue;
            this.actual = actual;
            this.attempt = attempt;
        }

        /** Lets the request go, after telling the listener of a wait of a millisecond or more. Outside the monitor. */
        void complete(long waitedNanos, AsyncInvokeListener listener) {
            if (waitedNanos >= 1_000_000 && listener != AsyncInvokeListener.NONE) {
                listener.rateLimitWait(attempt == null ? null : attempt.exchange(), Duration.ofNanos(waitedNanos));
            }
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            Operators.validate(n);
        }

        @Override
        public void cancel() {
            synchronized (queue.lock) {
                if (cancelled || granted) {
                    return;
                }
                cancelled = true;
                // not yet queued (cancelled during onSubscribe) or already out: nothing to unlink
                if (prev != null || next != null || queue.head == this) {
                    queue.unlink(this);
                }
            }
        }
    }
}
