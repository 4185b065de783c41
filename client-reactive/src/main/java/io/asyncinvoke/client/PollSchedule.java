package io.asyncinvoke.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Computes the delay before each poll of a watch from {@link PollingOptions}. */
final class PollSchedule {

    private final PollingOptions options;

    PollSchedule(PollingOptions options) {
        this.options = options;
    }

    /**
     * The delay before the next poll.
     *
     * @param pollsDone   polls answered so far in this watch
     * @param afterSubmit whether the watch began with a submit's answer rather than a poll
     * @param serverDelay the wait the last answer asked for, or {@code null}
     */
    Duration nextDelay(int pollsDone, boolean afterSubmit, Duration serverDelay) {
        Duration scheduled;
        if (afterSubmit && pollsDone == 0) {
            scheduled = jittered(options.firstDelay().toNanos());
        } else {
            int growth = Math.max(0, pollsDone - 1);
            double nanos = options.interval().toNanos() * Math.pow(options.backoffFactor(), Math.min(growth, 1000));
            scheduled = jittered(Math.min(nanos, options.maxInterval().toNanos()));
        }
        return serverDelay != null && serverDelay.compareTo(scheduled) > 0 ? serverDelay : scheduled;
    }

    private Duration jittered(double nanos) {
        double jitter = options.jitter();
        if (jitter == 0 || nanos == 0) {
            return Duration.ofNanos((long) nanos);
        }
        double spread = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) (nanos * spread));
    }
}
