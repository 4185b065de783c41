package io.asyncinvoke.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The human side of a command, on stderr: one line per status change with the time since the
 * command started ({@code IN_PROGRESS  0.4s}), and other one-line notes. On a terminal, a live
 * line shows the elapsed time between changes; it is erased before each permanent line, so what
 * stays on screen is the same as what a pipe receives.
 */
final class Progress implements AutoCloseable {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final String ERASE_LINE = "\r\033[K";

    private final PrintStream err;
    private final long startNanos;
    private final Disposable ticker;
    private String current = "waiting";
    private boolean liveLineShown;
    private boolean closed;

    Progress(PrintStream err, boolean live, long startNanos) {
        this.err = err;
        this.startNanos = startNanos;
        this.ticker = live ? Flux.interval(TICK, TICK).subscribe(tick -> tick()) : null;
    }

    /** The job reached {@code status}. */
    synchronized void status(String status) {
        current = status;
        line(format(status));
    }

    /** A permanent line, e.g. {@code saved out/0.png}. */
    synchronized void line(String text) {
        eraseLiveLine();
        err.println(text);
        err.flush();
    }

    private String format(String status) {
        return String.format(Locale.ROOT, "%-11s  %.1fs", status, (System.nanoTime() - startNanos) / 1e9);
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        err.print("\r" + format(current) + " \u2026");
        err.flush();
        liveLineShown = true;
    }

    private void eraseLiveLine() {
        if (liveLineShown) {
            err.print(ERASE_LINE);
            liveLineShown = false;
        }
    }

    /** Stops the live line and erases it. */
    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.dispose();
        }
        eraseLiveLine();
        err.flush();
    }
}
