package io.asyncinvoke.client.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Our BlockHound settings, loaded by BlockHound's service loader when blockhound-junit-platform
 * installs it (failsafe only; see client-reactive/pom.xml). Every blocking call on a Reactor or
 * Netty thread is recorded here, then fails where it happened ({@link BlockingOperationError}, as
 * BlockHound does by default); {@link RuntimeGuards} fails the test that caused any. An error
 * thrown on an event loop can be swallowed or logged far away, so the record is what counts.
 */
public final class BlockingCalls implements BlockHoundIntegration {

    private static final ConcurrentLinkedQueue<String> CALLS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    /** For the service loader. */
    public BlockingCalls() {
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Console logging in the test JVM is the harness's own output, not the client's.
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
        // Jackson builds a deserializer under a lock the first time it meets a type; two event loops
        // decoding a new type at once wait a moment for each other. A short critical section, not I/O.
        builder.allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        builder.blockingMethodCallback(method -> {
            StringBuilder where = new StringBuilder("Blocking call ").append(method).append(" on thread ")
                    .append(Thread.currentThread().getName());
            for (StackTraceElement frame : new Throwable().getStackTrace()) {
                where.append("\n\tat ").append(frame);
            }
            CALLS.add(where.toString());
            throw new BlockingOperationError(method);
        });
        installed = true;
    }

    /** Applied after the integrations of Reactor, Reactor Netty and Netty, so our callback is the one in force. */
    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    static boolean installed() {
        return installed;
    }

    /** The blocking calls recorded since the last call, oldest first. */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String call; (call = CALLS.poll()) != null; ) {
            out.add(call);
        }
        return out;
    }
}
