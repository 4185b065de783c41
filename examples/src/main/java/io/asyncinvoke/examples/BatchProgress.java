package io.asyncinvoke.examples;

import io.asyncinvoke.client.DurationFormat;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counts of a {@code batch} as it runs, and how they read on stderr: done, failed, unfinished,
 * in flight and waiting, the time elapsed and, once lines have ended, an estimate of the time left.
 * On a terminal with a bar: {@code [######------] 60/100 done 58 failed 2 in flight 8 waiting 32
 * 12.4s ETA 8s}.
 */
final class BatchProgress {

    private static final int BAR = 20;

    private final int total;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Lines that ended in this run, not before it: what the estimate of the time left is made of. */
    private final AtomicInteger endedHere = new AtomicInteger();
    private volatile Progress clock;

    BatchProgress(int total) {
        this.total = total;
    }

    /** Where the elapsed time is read from. */
    void startedAt(Progress progress) {
        this.clock = progress;
    }

    /** A job went in flight. */
    void started() {
        inFlight.incrementAndGet();
    }

    /** A job is no longer in flight. */
    void stopped() {
        inFlight.decrementAndGet();
    }

    /** A line ended so, in this run. */
    void ended(BatchCommand.Status status) {
        endedHere.incrementAndGet();
        replayed(status);
    }

    /** A line had ended so before this run (a resumed journal). */
    void replayed(BatchCommand.Status status) {
        switch (status) {
            case COMPLETED:
                done.incrementAndGet();
                break;
            case FAILED:
                failed.incrementAndGet();
                break;
            default:
                unfinished.incrementAndGet();
        }
    }

    int total() {
        return total;
    }

    int failed() {
        return failed.get();
    }

    int unfinished() {
        return unfinished.get();
    }

    /** The counts in words; with a bar when {@code bar}. */
    String text(boolean bar) {
        int ok = done.get();
        int bad = failed.get();
        int lost = unfinished.get();
        int flying = Math.max(0, inFlight.get());
        int ended = ok + bad + lost;
        int waiting = Math.max(0, total - ended - flying);
        Duration elapsed = clock == null ? Duration.ZERO : clock.elapsed();
        StringBuilder text = new StringBuilder();
        if (bar) {
            int filled = total == 0 ? BAR : (int) ((long) ended * BAR / total);
            text.append('[').append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ");
        }
        text.append(ended).append('/').append(total).append(" lines: ").append(ok).append(" done, ")
                .append(bad).append(" failed, ");
        if (lost > 0) {
            text.append(lost).append(" unfinished, ");
        }
        text.append(flying).append(" in flight, ").append(waiting).append(" waiting; ")
                .append(DurationFormat.format(elapsed));
        int here = endedHere.get();
        if (here > 0 && ended < total) {
            long etaMillis = elapsed.toMillis() * (total - ended) / here;
            text.append(", ETA ").append(DurationFormat.format(Duration.ofSeconds((etaMillis + 999) / 1000)));
        }
        return text.toString();
    }
}
