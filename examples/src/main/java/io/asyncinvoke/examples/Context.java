package io.asyncinvoke.examples;

import io.asyncinvoke.simulator.Simulator;
import java.io.PrintStream;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a command reads and writes besides its arguments, so that tests can run the command line in
 * process: the two streams, the environment, whether stderr is a live terminal, and how to start
 * the embedded simulator.
 */
record Context(PrintStream out, PrintStream err, Function<String, String> env, boolean live,
               Supplier<Simulator> simulator) {

    /**
     * The embedded simulator of the demo: jobs take about as long as a fast image model, so the
     * status changes are there to see.
     */
    static Simulator demoSimulator() {
        return Simulator.builder()
                .queuedFor(java.time.Duration.ofMillis(400))
                .runningFor(java.time.Duration.ofMillis(1200))
                .start();
    }
}
