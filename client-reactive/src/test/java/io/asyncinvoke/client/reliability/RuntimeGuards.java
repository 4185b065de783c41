package io.asyncinvoke.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The runtime invariants every reliability test class is held to:
 * <ul>
 *   <li>the JVM runs with {@code -Dio.netty.leakDetection.level=paranoid}, and after the class,
 *       once the garbage collector ran and fresh buffers were allocated (which is when Netty
 *       reports), no {@code LEAK:} was logged by {@code io.netty.util.ResourceLeakDetector};</li>
 *   <li>BlockHound is installed, and no test made a blocking call on a Reactor or Netty thread.</li>
 * </ul>
 * {@code GuardCanaryIT} proves that both detectors do catch a real leak and a real blocking call.
 */
public final class RuntimeGuards implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** A touch hint the canary puts on the buffer it leaks on purpose; such reports are the canary's. */
    static final String CANARY_HINT = "reliability-canary-leak";

    private static final LogCapture LEAKS = LogCapture.attach(Level.ERROR, true, ResourceLeakDetector.class.getName());

    @Override
    public void beforeAll(ExtensionContext context) {
        checkEnvironment();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        checkNoBlockingCalls(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        checkNoLeaks(context.getDisplayName());
    }

    /** Before a test class: the detectors are on. */
    static void checkEnvironment() {
        assertThat(ResourceLeakDetector.getLevel())
                .as("run the reliability suite through failsafe (mvn verify), which sets -Dio.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(BlockingCalls.installed())
                .as("BlockHound must be installed (blockhound-junit-platform on the failsafe class path)")
                .isTrue();
        BlockingCalls.drain();
    }

    /** After each test (and each case of {@code RandomResponsesIT}): no blocking call was recorded. */
    static void checkNoBlockingCalls(String what) {
        List<String> calls = BlockingCalls.drain();
        assertThat(calls).as("blocking calls on non-blocking threads during %s", what).isEmpty();
    }

    /** After a test class: no buffer leaked. */
    static void checkNoLeaks(String what) throws InterruptedException {
        List<String> leaks = collectLeakReports(10).stream()
                .filter(report -> !report.contains(CANARY_HINT))
                .collect(Collectors.toList());
        assertThat(leaks).as("Netty LEAK reports after %s", what).isEmpty();
    }

    /**
     * Runs the garbage collector and allocates tracked buffers {@code rounds} times (Netty reports
     * a leak when it tracks a new buffer after the leaked one was collected), then returns and
     * forgets every LEAK report logged so far.
     */
    static List<String> collectLeakReports(int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 32; j++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(64);
                probe.release();
                probe = ByteBufAllocator.DEFAULT.heapBuffer(64);
                probe.release();
            }
        }
        List<String> reports = LEAKS.texts().stream().filter(text -> text.contains("LEAK:")).collect(Collectors.toList());
        LEAKS.clear();
        return reports;
    }
}
