package io.asyncinvoke.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Computes the delay before each poll of a watch from {@link PollingOptions}: the classic
 * interval × backoff, or, for an adaptive schedule and a model with a learned
 * {@link JobDurations.Estimate}, the spacing that minimises detection delay plus
 * {@link #REQUEST_COST_SECONDS} per request ({@link Spacing}).
 */
final class PollSchedule {

    /** λ: how many seconds of detection delay one request is worth. */
    static final double REQUEST_COST_SECONDS = 0.05;
    /** The shortest adaptive delay: below it polls cost more than the delay they save. */
    static final double MIN_ADAPTIVE_SECONDS = 0.25;
    /**
     * Where the first poll of a watch goes on the learned poll count (see {@link Spacing}): later
     * polls are one unit apart.
     */
    static final double FIRST_POLL_COUNT = 1.35;
    /**
     * The first poll after a submit may wait up to this many maximum intervals when the estimate
     * says a completion before is improbable (a 20 s model's first optimal poll is at about 7 s):
     * the maximum interval bounds the gaps between polls, as in the classic schedule, whose first
     * delay it does not bound either; this bounds how late the first poll can be if the model has
     * become much faster than learned.
     */
    static final double FIRST_POLL_MAX_INTERVALS = 2;
    /**
     * Share of the jitter applied to adaptive delays after the first. The first poll's jitter
     * already gives each watch its own phase on the poll count, and later polls keep it (each
     * steps one unit further), so watches submitted together stay apart; a full ±20 % on every
     * gap would cost about 1 % more requests at equal delay ({@code E[gap²] / E[gap]²}).
     */
    static final double LATER_JITTER_SHARE = 0.25;

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
     * @param estimate    the job's learned duration; with an adaptive schedule the delay follows it
     *                    ({@code null}: the classic schedule)
     * @param elapsedNanos the job's age now (time since its submit was answered)
     */
    Duration nextDelay(int pollsDone, boolean afterSubmit, Duration serverDelay, JobDurations.Estimate estimate,
                       long elapsedNanos) {
        Duration scheduled;
        if (estimate != null && options.isAdaptive()) {
            double max = options.maxInterval().toNanos() / 1e9;
            double jitter = options.jitter();
            double seconds;
            if (afterSubmit && pollsDone == 0) {
                // The jitter moves the first poll along the poll count: each watch gets its own phase.
                seconds = adaptiveSeconds(estimate, elapsedNanos / 1e9, FIRST_POLL_COUNT * spread(jitter),
                        FIRST_POLL_MAX_INTERVALS * max);
            } else {
                seconds = adaptiveSeconds(estimate, elapsedNanos / 1e9, 1, max) * spread(jitter * LATER_JITTER_SHARE);
            }
            scheduled = Duration.ofNanos((long) (seconds * 1e9));
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
     * The adaptive delay before jitter, seconds: the next poll goes where the learned poll count
     * {@link Spacing#countAt} has grown by {@code count} since now, no shorter than
     * {@link #MIN_ADAPTIVE_SECONDS} and no longer than {@code maxSeconds}.
     *
     * @param count how far along the poll count the next poll goes: 1, or about
     *              {@link #FIRST_POLL_COUNT} for the first poll after a submit
     */
    static double adaptiveSeconds(JobDurations.Estimate estimate, double elapsedSeconds, double count,
                                  double maxSeconds) {
        Spacing spacing = estimate.spacing();
        double now = Math.max(0, elapsedSeconds);
        double next = spacing.ageAt(spacing.countAt(now) + count);
        return Math.min(maxSeconds, Math.max(Math.min(MIN_ADAPTIVE_SECONDS, maxSeconds), next - now));
    }

    /**
     * Where an estimate wants its polls: {@code N(t) = ∫₀ᵗ sqrt(h(u) / 2λ) du}, the number of polls
     * the optimal spacing makes up to age {@code t}, tabulated once per estimate.
     *
     * <p>Why: minimising {@code λ · E[polls] + E[delay]} over poll densities {@code n(t)}, with the
     * delay of a job completing between two polls half their gap, gives
     * {@code n(t) = sqrt(h(t) / 2λ)} (a job alive at {@code t} costs {@code λ n(t)} per second
     * and completes at rate {@code h(t)} with an expected delay {@code 1 / 2n(t)}): polls go where
     * {@code N} crosses successive integers. Stepping by one unit of {@code N}, rather than by
     * {@code sqrt(2λ / h)} at one end of the step, follows a completion rate that changes within
     * the step — it rises steeply before the typical duration. The offset of the first poll,
     * {@link #FIRST_POLL_COUNT}, was fitted to the exact optimum (dynamic programming over all poll
     * sequences, the benchmarks' {@code PollingOracle}): for log-normal durations of spread 0.6
     * and λ from 20 to 200 ms the first optimal poll lies at {@code N ≈ 1.2–1.4} and later ones
     * 0.93–1.0 units apart; with the true distribution this rule spends within 0.2 % of the
     * optimum's requests at equal mean delay for spreads 0.3 to 1 (0.5 % at 1.5).
     *
     * <p>{@code N} is tabulated over {@code z = (ln t − μ) / σ} from {@link #Z_FROM} (below it
     * {@code N} is practically 0) to the estimate's trusted edge, and continued in closed form
     * beyond it, where the completion rate falls as {@code 1 / t²} and {@code N} grows as
     * {@code ln t}. Lookups are a logarithm, a binary search of the table and an exponential; the
     * table is immutable and shared by every watch of the model.
     */
    static final class Spacing {
        static final double Z_FROM = -5;
        static final double Z_STEP = 0.05;

        private final double mu;
        private final double sigma;
        /** {@code N} at {@code z = Z_FROM + k · Z_STEP}, up to the trusted edge. */
        private final double[] counts;
        private final double edgeSeconds;
        /** {@code dN / d ln t} beyond the edge. */
        private final double tailRate;

        Spacing(JobDurations.Estimate estimate) {
            this.mu = estimate.mu;
            this.sigma = estimate.sigma;
            double trusted = JobDurations.TRUSTED_Z;
            int points = (int) Math.round((trusted - Z_FROM) / Z_STEP) + 1;
            counts = new double[points];
            double lambda2 = 2 * REQUEST_COST_SECONDS;
            // dN/dz = sqrt(h(t) / 2λ) · σ t at t = exp(μ + σ z), by the trapezoid rule
            double previous = rate(estimate, Z_FROM, lambda2);
            for (int k = 1; k < points; k++) {
                double z = Z_FROM + k * Z_STEP;
                double current = rate(estimate, Math.min(z, trusted), lambda2);
                counts[k] = counts[k - 1] + Z_STEP * (previous + current) / 2;
                previous = current;
            }
            edgeSeconds = Math.exp(mu + sigma * (Z_FROM + (points - 1) * Z_STEP));
            tailRate = Math.sqrt(estimate.hazard(edgeSeconds) / lambda2) * edgeSeconds;
        }

        private double rate(JobDurations.Estimate estimate, double z, double lambda2) {
            double t = Math.exp(mu + sigma * z);
            return Math.sqrt(estimate.hazard(t) / lambda2) * sigma * t;
        }

        /** {@code N(t)}: polls the spacing makes up to age {@code t} seconds. */
        double countAt(double t) {
            if (t <= 0) {
                return 0;
            }
            double z = (Math.log(t) - mu) / sigma;
            double x = (z - Z_FROM) / Z_STEP;
            if (x <= 0) {
                return 0;
            }
            int last = counts.length - 1;
            if (x >= last) {
                return counts[last] + tailRate * Math.log(t / edgeSeconds);
            }
            int k = (int) x;
            return counts[k] + (x - k) * (counts[k + 1] - counts[k]);
        }

        /** The age in seconds at which {@code N} reaches {@code count}: the inverse of {@link #countAt}. */
        double ageAt(double count) {
            int last = counts.length - 1;
            if (count >= counts[last]) {
                return edgeSeconds * Math.exp((count - counts[last]) / tailRate);
            }
            // the first k with counts[k] > count (counts[0] is 0, count > 0)
            int lo = 0;
            int hi = last;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (counts[mid] > count) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            double span = counts[hi] - counts[lo];
            double x = lo + (span > 0 ? (count - counts[lo]) / span : 0);
            return Math.exp(mu + sigma * (Z_FROM + x * Z_STEP));
        }
    }

    /** A random factor in {@code [1 - jitter, 1 + jitter)}. */
    private static double spread(double jitter) {
        return jitter == 0 ? 1 : 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    }

    private Duration jittered(double nanos) {
        return Duration.ofNanos((long) (nanos * spread(options.jitter())));
    }
}
