package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ConcurrencyLimitTest {

    @Test
    void atMostMaxRunAtOnceAndTheRestFollowInOrder() {
        ConcurrencyLimit limit = ConcurrencyLimit.of(2);
        List<Sinks.One<Integer>> answers = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        List<Integer> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            Sinks.One<Integer> answer = Sinks.one();
            answers.add(answer);
            limit.gate(Mono.defer(() -> {
                started.add(n);
                return answer.asMono();
            })).subscribe(done::add, error -> { });
        }
        assertThat(started).as("the other three wait").containsExactly(0, 1);

        answers.get(1).tryEmitValue(1);
        assertThat(started).containsExactly(0, 1, 2);
        answers.get(0).tryEmitError(new IllegalStateException("failed"));
        assertThat(started).as("an error gives the place back too").containsExactly(0, 1, 2, 3);
        answers.get(2).tryEmitValue(2);
        answers.get(3).tryEmitValue(3);
        answers.get(4).tryEmitValue(4);
        assertThat(done).containsExactly(1, 2, 3, 4);
    }

    @Test
    void cancellingAWaiterLeavesTheQueueAndCancellingARunningRequestFreesItsPlace() {
        ConcurrencyLimit limit = ConcurrencyLimit.of(1);
        AtomicInteger started = new AtomicInteger();
        Mono<Integer> never = Mono.defer(() -> {
            started.incrementAndGet();
            return Mono.never();
        });
        Disposable running = limit.gate(never).subscribe();
        Disposable waiter = limit.gate(never).subscribe();
        Disposable last = limit.gate(never).subscribe();
        assertThat(started).hasValue(1);

        waiter.dispose();
        running.dispose();
        assertThat(started).as("the cancelled waiter never ran; the last one did").hasValue(2);
        last.dispose();
        assertThat(limit.gate(Mono.just(7)).block()).isEqualTo(7);
    }

    @Test
    void noLimitIsThePlainRequest() {
        Mono<Integer> request = Mono.just(1);
        assertThat(ConcurrencyLimit.of(0).gate(request)).isSameAs(request);
        assertThat(ConcurrencyLimit.of(-1)).isSameAs(ConcurrencyLimit.NONE);
    }
}
