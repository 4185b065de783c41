package io.asyncinvoke.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Proves the guards of the other tests can fail: a buffer leaked on purpose is reported, and a
 * blocking call on a Reactor thread is caught. Without these, a silent detector would pass everything.
 */
@ExtendWith(RuntimeGuards.class)
class GuardCanaryIT {

    @Test
    void aLeakedBufferIsReported() throws InterruptedException {
        leakOne();
        List<String> reports = List.of();
        for (int attempt = 0; attempt < 20 && reports.stream().noneMatch(r -> r.contains(RuntimeGuards.CANARY_HINT)); attempt++) {
            reports = RuntimeGuards.collectLeakReports(5);
        }
        assertThat(reports).anyMatch(report -> report.contains("LEAK:") && report.contains(RuntimeGuards.CANARY_HINT));
    }

    private static void leakOne() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(128);
        leaked.writeLong(42);
        leaked.touch(RuntimeGuards.CANARY_HINT);
        // dropped without release()
    }

    @Test
    void aBlockingCallOnAReactorThreadIsCaught() {
        Mono<Long> blocking = Mono.delay(Duration.ofMillis(1)).doOnNext(tick -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        StepVerifier.create(blocking).expectError(BlockingOperationError.class).verify(Duration.ofSeconds(10));
        List<String> calls = BlockingCalls.drain();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).contains("sleep").contains("parallel");
    }
}
