package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;

/** The waiting queue's own rules, without a budget around it. */
class WaiterQueueTest {

    private final Object lock = new Object();
    private final WaiterQueue queue = new WaiterQueue(lock);
    private final List<String> signals = new ArrayList<>();

    private WaiterQueue.Waiter waiter(String name) {
        return new WaiterQueue.Waiter(queue, new CoreSubscriber<Void>() {
            @Override
            public void onSubscribe(org.reactivestreams.Subscription s) {
            }

            @Override
            public void onNext(Void v) {
            }

            @Override
            public void onError(Throwable t) {
                signals.add(name + " failed");
            }

            @Override
            public void onComplete() {
                signals.add(name + " done");
            }
        }, null);
    }

    private void enqueue(WaiterQueue.Waiter... waiters) {
        synchronized (lock) {
            for (WaiterQueue.Waiter w : waiters) {
                queue.enqueue(w);
            }
        }
    }

    @Test
    void aCancelWhileAChainIsFailedLeavesTheQueueIntact() {
        WaiterQueue.Waiter a = waiter("a");
        WaiterQueue.Waiter b = waiter("b");
        WaiterQueue.Waiter c = waiter("c");
        enqueue(a, b, c);
        WaiterQueue.Waiter chain;
        synchronized (lock) {
            chain = queue.takeAll();
        }
        // c gives up while the chain is on its way out (another thread, before fail reaches it)
        c.cancel();
        WaiterQueue.Waiter d = waiter("d");
        enqueue(d);
        WaiterQueue.fail(chain, new IllegalStateException("held"));

        synchronized (lock) {
            assertThat(queue.isEmpty()).as("d is waiting").isFalse();
            assertThat(queue.pollGranted()).isSameAs(d);
            assertThat(queue.isEmpty()).isTrue();
        }
        assertThat(signals).containsExactly("a failed", "b failed", "c failed");
    }

    @Test
    void aCancelledWaiterLeavesAndTheOthersKeepTheirOrder() {
        WaiterQueue.Waiter a = waiter("a");
        WaiterQueue.Waiter b = waiter("b");
        WaiterQueue.Waiter c = waiter("c");
        enqueue(a, b, c);
        b.cancel();
        synchronized (lock) {
            assertThat(queue.pollGranted()).isSameAs(a);
            assertThat(queue.pollGranted()).isSameAs(c);
            assertThat(queue.pollGranted()).isNull();
        }
        a.cancel();
        assertThat(queue.isEmpty()).as("a late cancel of a granted waiter changes nothing").isTrue();
    }
}
