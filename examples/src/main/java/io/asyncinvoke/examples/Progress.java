package io.asyncinvoke.examples;

import io.asyncinvoke.client.DurationFormat;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The human side of a command, on stderr: one line per status change with the time since the
 * command started ({@code IN_PROGRESS  400ms}, {@code COMPLETED    1.6s}), and other one-line notes. On a terminal, a live
 * line shows the elapsed time between changes; it is erased before each permanent line, so what
 * stays on screen is the same as what a pipe receives. A {@link #summary} shows a text of the
 * command's instead (the progress of a {@code batch}): live on a terminal, and as a permanent line
 * every so often otherwise.
 */
final class Progress implements AutoCloseable {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final String ERASE_LINE = "\r\033[K";

    private final PrintStream err;
    private final long startNanos;
    private final Disposable ticker;
    private final Supplier<String> summary;
    private String current = "waiting";
    private boolean liveLineShown;
    private boolean closed;

    Progress(PrintStream err, boolean live, long startNanos) {
        this(err, live, startNanos, null, null);
    }

    private Progress(PrintStream err, boolean live, long startNanos, Supplier<String> summary, Duration every) {
        this.err = err;
        this.startNanos = startNanos;
        this.summary = summary;
        this.ticker = live ? Flux.interval(TICK, TICK).subscribe(tick -> tick())
                : summary != null ? Flux.interval(every, every).subscribe(tick -> line(summary.get()))
                : null;
    }

    /**
     * Shows {@code summary}: on a terminal ({@code live}) as the live line, redrawn every tenth of
     * a second; otherwise as a permanent line every {@code every}.
     */
    static Progress summary(PrintStream err, boolean live, long startNanos, Supplier<String> summary, Duration every) {
        return new Progress(err, live, startNanos, summary, every);
    }

    /** The time since the start, as every duration the command line prints. */
    Duration elapsed() {
        return Duration.ofMillis(Math.round((System.nanoTime() - startNanos) / 1e8) * 100);
    }

    /** The job reached {@code status}. */
    synchronized void status(String status) {
        // the service's spelling, shown as text: it must not drive the terminal
        current = Terminal.printable(status);
        println(format(current));
    }

    /** A permanent line, e.g. {@code saved out/0.png}, with anything that came from the network printable. */
    synchronized void line(String text) {
        println(Terminal.printable(text));
    }

    private void println(String text) {
        eraseLiveLine();
        err.println(text);
        err.flush();
    }

    /**
     * {@code status} and the time since the start, to a tenth of a second, in the one format of
     * every duration the command line prints: {@code QUEUED       900ms}, {@code 1.4s}, {@code 1m5s}.
     */
    private String format(String status) {
        return String.format(Locale.ROOT, "%-11s  %s", status, DurationFormat.format(elapsed()));
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        // erased first: the text may be shorter than the last one (900ms, then 1s)
        err.print(ERASE_LINE + (summary != null ? summary.get() : format(current) + " \u2026"));
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
