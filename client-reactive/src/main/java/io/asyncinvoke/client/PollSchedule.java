package io.asyncinvoke.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Computes the delay before each poll of a watch from {@link PollingOptions}: the classic
 * interval × backoff, or, for an adaptive schedule and a model with a learned
 * {@link JobDurations.Estimate}, the spacing that minimises detection delay plus
 * {@link #REQUEST_COST_SECONDS} per request.
 */
final class PollSchedule {

    /** λ: how many seconds of detection delay one request is worth. */
    static final double REQUEST_COST_SECONDS = 0.05;
    /** The shortest adaptive delay: below it polls cost more than the delay they save. */
    static final double MIN_ADAPTIVE_SECONDS = 0.25;
    private static final double SCAN_STEP = 1.1;

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
        return nextDelay(pollsDone, afterSubmit, serverDelay, null, 0);
    }

    /**
     * As above; with an adaptive schedule and an {@code estimate} of the job's duration, the delay
     * follows the estimate instead.
     *
     * @param elapsedNanos the job's age now (time since its submit was answered)
     */
    Duration nextDelay(int pollsDone, boolean afterSubmit, Duration serverDelay, JobDurations.Estimate estimate,
                       long elapsedNanos) {
        Duration scheduled;
        if (estimate != null && options.isAdaptive()) {
            scheduled = jittered(adaptiveSeconds(estimate, elapsedNanos / 1e9, options.maxInterval()) * 1e9);
        } else if (afterSubmit && pollsDone == 0) {
            scheduled = jittered(options.firstDelay().toNanos());
        } else {
            int growth = Math.max(0, pollsDone - 1);
            double nanos = options.interval().toNanos() * Math.pow(options.backoffFactor(), Math.min(growth, 1000));
            scheduled = jittered(Math.min(nanos, options.maxInterval().toNanos()));
        }
        return serverDelay != null && serverDelay.compareTo(scheduled) > 0 ? serverDelay : scheduled;
    }

    /**
     * The first delay {@code d} (on a geometric grid from the minimum) at which the next poll is
     * worth its cost: {@code d² · h(t + d) ≥ 2λ}. Optimal spacing is {@code sqrt(2λ / h)}; taking
     * the rate at the end of the step keeps a poll from jumping over a rise in completions.
     */
    static double adaptiveSeconds(JobDurations.Estimate estimate, double elapsedSeconds, Duration maxInterval) {
        double max = maxInterval.toNanos() / 1e9;
        double target = 2 * REQUEST_COST_SECONDS;
        double d = Math.min(MIN_ADAPTIVE_SECONDS, max);
        while (d < max && d * d * estimate.hazard(elapsedSeconds + d) < target) {
            d *= SCAN_STEP;
        }
        return Math.min(d, max);
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
