package io.asyncinvoke.examples;

import io.asyncinvoke.simulator.Simulator;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a command reads and writes besides its arguments, so that tests can run the command line in
 * process: the three streams, the environment, whether stderr is a live terminal, how to start
 * the embedded simulator, and how {@code batch} opens its journal's files (a test can make them
 * fail as a full disk does).
 */
record Context(PrintStream out, PrintStream err, Function<String, String> env, boolean live,
               Supplier<Simulator> simulator, InputStream in, BatchJournal.Storage storage) {

    /** A context reading {@code System.in}, with the journal on the real file system. */
    Context(PrintStream out, PrintStream err, Function<String, String> env, boolean live,
            Supplier<Simulator> simulator) {
        this(out, err, env, live, simulator, System.in, BatchJournal.Storage.REAL);
    }

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
