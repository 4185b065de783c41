package io.asyncinvoke.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The best any polling policy could do for a job whose duration distribution is known exactly: the
 * poll times that minimise {@code λ · E[polls] + E[detection delay]} (λ in seconds of delay one
 * request is worth, as the client's {@code PollSchedule.REQUEST_COST_SECONDS}).
 *
 * <p>A poll of a job still running tells only "not yet done", so the optimal policy is a fixed
 * sequence of poll times from the submit, {@code t₁ < t₂ < …}, the same for every job of the model.
 * For a job of duration {@code T} the watch polls until the first {@code tₖ ≥ T}: {@code k} polls
 * and a delay {@code tₖ − T}. Poll {@code k} is made when {@code T > tₖ₋₁}, so, with survival
 * {@code S(t) = P(T > t)} and {@code t₀ = 0}:
 *
 * <pre>
 *   E[cost] = Σₖ λ · S(tₖ₋₁) + Σₖ ∫ from tₖ₋₁ to tₖ of (tₖ − u) dF(u)
 *           = Σₖ [ S(tₖ₋₁) · (λ + tₖ − tₖ₋₁) − (C(tₖ) − C(tₖ₋₁)) ],   C(t) = ∫₀ᵗ S(u) du.
 * </pre>
 *
 * Each term depends only on two consecutive poll times, so on a grid of step {@code Δ} (10 ms)
 * up to a horizon where {@code S} is negligible (10⁻⁶), backward dynamic programming gives the
 * exact optimum over all grid schedules: {@code W(i) = min over j > i of cost(i, j) + W(j)},
 * {@code W(N) = 0}, the cost of everything after a poll at {@code tᵢ} that saw the job running
 * (unconditional, i.e. weighted by {@code S(tᵢ)}), and the optimal first poll is the argmin at 0.
 * The step cost is Monge ({@code cost(i,j) + cost(i',j') − cost(i,j') − cost(i',j) =
 * (Sᵢ − Sᵢ')(tⱼ − tⱼ') ≤ 0} for {@code i < i'}, {@code j < j'}), so the smallest argmin is
 * monotone in {@code i}: the search for {@code i} stops at the argmin of {@code i + 1}, which
 * makes a DP over 35,000 grid points a matter of milliseconds. {@link #optimalBruteForce} omits that
 * bound, for tests.
 *
 * <p>With one λ for every model, the per-model optima together are the optimum of the mix at the
 * same λ (a Lagrangian of "fewest requests for a given total delay"); sweeping λ traces the
 * frontier of requests per job against mean delay.
 */
public final class PollingOracle {

    /** Grid step of the dynamic programme, seconds. */
    public static final double GRID_SECONDS = 0.01;
    /** The horizon is where the survival falls to this. */
    public static final double TAIL_SURVIVAL = 1e-6;
    /** Beyond the horizon (a job the distribution says practically never happens) poll this often. */
    public static final double BEYOND_HORIZON_SECONDS = 5;

    private PollingOracle() {
    }

    /** A job duration distribution in seconds: its survival and the survival's integral. */
    public interface Distribution {
        /** {@code P(T > t)}. */
        double survival(double t);

        /** {@code ∫₀ᵗ S(u) du = E[min(T, t)]}. */
        double integratedSurvival(double t);

        /** The smallest {@code t} (to a millisecond) with {@code S(t) ≤ p}. */
        default double quantileAbove(double p) {
            double hi = 1;
            while (survival(hi) > p) {
                hi *= 2;
            }
            double lo = 0;
            while (hi - lo > 1e-3) {
                double mid = (lo + hi) / 2;
                if (survival(mid) > p) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return hi;
        }
    }

    /** Log-normal: {@code ln T ~ N(ln median, sigma²)}, as {@code Durations.logNormal} draws. */
    public static final class LogNormal implements Distribution {
        final double mu;
        final double sigma;

        public LogNormal(double medianSeconds, double sigma) {
            if (!(medianSeconds > 0) || !(sigma > 0)) {
                throw new IllegalArgumentException("median and sigma must be positive");
            }
            this.mu = Math.log(medianSeconds);
            this.sigma = sigma;
        }

        @Override
        public double survival(double t) {
            return t <= 0 ? 1 : upperNormalTail((Math.log(t) - mu) / sigma);
        }

        /** {@code t·S(t) + E[T; T ≤ t]}, the partial mean of a log-normal in closed form. */
        @Override
        public double integratedSurvival(double t) {
            if (t <= 0) {
                return 0;
            }
            double z = (Math.log(t) - mu) / sigma;
            return t * upperNormalTail(z) + Math.exp(mu + sigma * sigma / 2) * (1 - upperNormalTail(z - sigma));
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "log-normal(median %.3g s, sigma %.2f)", Math.exp(mu), sigma);
        }
    }

    /** {@code P(Z > z)} for a standard normal. */
    static double upperNormalTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /**
     * Complementary error function to about 1e-14 relative: the Maclaurin series of erf near 0,
     * a continued fraction (modified Lentz) beyond.
     */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2.5) {
            double term = x;
            double sum = x;
            double x2 = x * x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        if (x > 27) {
            return 0;
        }
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double a = n / 2.0;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** A fixed sequence of poll times from the submit, with its expected figures for the distribution it was made for. */
    public static final class Schedule {
        /** Poll times in seconds after the submit, strictly increasing. */
        final double[] polls;
        public final double lambda;
        public final double expectedPolls;
        public final double expectedDelaySeconds;

        Schedule(double[] polls, double lambda, Distribution distribution) {
            this.polls = polls;
            this.lambda = lambda;
            double[] figures = expected(polls, distribution);
            this.expectedPolls = figures[0];
            this.expectedDelaySeconds = figures[1];
        }

        /** {@code λ · E[polls] + E[delay]}, seconds. */
        public double expectedCost() {
            return lambda * expectedPolls + expectedDelaySeconds;
        }

        /** Poll times in seconds after the submit (a copy). */
        public double[] pollSeconds() {
            return polls.clone();
        }

        /** Index (0-based) of the poll that sees a job of this duration done: the first poll at or after it. */
        private int seeing(double durationSeconds) {
            int k = Arrays.binarySearch(polls, durationSeconds);
            return k >= 0 ? k : -k - 1;
        }

        /** How many polls a job of this duration takes, the one that sees it done included. */
        public int pollsFor(double durationSeconds) {
            int k = seeing(durationSeconds);
            if (k < polls.length) {
                return k + 1;
            }
            return polls.length + (int) Math.ceil((durationSeconds - last()) / BEYOND_HORIZON_SECONDS);
        }

        /** Seconds from a job's completion to the poll that sees it. */
        public double delayFor(double durationSeconds) {
            int k = seeing(durationSeconds);
            if (k < polls.length) {
                return polls[k] - durationSeconds;
            }
            double beyond = Math.ceil((durationSeconds - last()) / BEYOND_HORIZON_SECONDS) * BEYOND_HORIZON_SECONDS;
            return last() + beyond - durationSeconds;
        }

        private double last() {
            return polls.length == 0 ? 0 : polls[polls.length - 1];
        }
    }

    /**
     * {@code E[polls]} and {@code E[delay]} of any poll sequence for a distribution, from the
     * formula in the class comment (jobs beyond the last poll are left out).
     */
    public static double[] expected(double[] polls, Distribution distribution) {
        double previous = 0;
        double sPrevious = 1;
        double cPrevious = 0;
        double expectedPolls = 0;
        double expectedDelay = 0;
        for (double t : polls) {
            double c = distribution.integratedSurvival(t);
            expectedPolls += sPrevious;
            expectedDelay += sPrevious * (t - previous) - (c - cPrevious);
            previous = t;
            sPrevious = distribution.survival(t);
            cPrevious = c;
        }
        return new double[] {expectedPolls, expectedDelay};
    }

    /** A poll every {@code interval} seconds from the submit until the first at or past {@code horizon}. */
    public static Schedule fixed(Distribution distribution, double lambda, double interval, double horizon) {
        int n = (int) Math.ceil(horizon / interval - 1e-9);
        double[] polls = new double[n];
        for (int k = 0; k < n; k++) {
            polls[k] = (k + 1) * interval;
        }
        return new Schedule(polls, lambda, distribution);
    }

    /** The optimal schedule for λ on the default grid and horizon. */
    public static Schedule optimal(Distribution distribution, double lambda) {
        return optimal(distribution, lambda, GRID_SECONDS, distribution.quantileAbove(TAIL_SURVIVAL),
                Double.POSITIVE_INFINITY, false);
    }

    /**
     * As {@link #optimal(Distribution, double)}, with no two polls (nor the submit and the first
     * poll) more than {@code maxIntervalSeconds} apart: the client's {@code maxInterval}.
     */
    public static Schedule optimalCapped(Distribution distribution, double lambda, double maxIntervalSeconds) {
        return optimal(distribution, lambda, GRID_SECONDS, distribution.quantileAbove(TAIL_SURVIVAL),
                maxIntervalSeconds, false);
    }

    /** As {@link #optimal(Distribution, double, double, double, boolean)} without the monotone bound: O(N²), for tests. */
    static Schedule optimalBruteForce(Distribution distribution, double lambda, double step, double horizon) {
        return optimal(distribution, lambda, step, horizon, Double.POSITIVE_INFINITY, true);
    }

    /**
     * The optimal schedule on a grid of {@code step} seconds up to {@code horizon} (rounded up to
     * the grid; the last poll is there), no two polls more than {@code maxIntervalSeconds} apart.
     */
    static Schedule optimal(Distribution distribution, double lambda, double step, double horizon,
                            double maxIntervalSeconds, boolean bruteForce) {
        if (!(lambda > 0) || !(step > 0) || !(horizon > step)) {
            throw new IllegalArgumentException("lambda, step and horizon must be positive, horizon > step");
        }
        int n = (int) Math.ceil(horizon / step);
        // A band j - i <= band keeps the step cost Monge (the entries outside it count as infinite).
        int band = maxIntervalSeconds >= n * step ? n : Math.max(1, (int) Math.floor(maxIntervalSeconds / step + 1e-9));
        double[] s = new double[n + 1];
        double[] c = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            s[i] = distribution.survival(i * step);
            c[i] = distribution.integratedSurvival(i * step);
        }
        double[] w = new double[n + 1];
        int[] next = new int[n + 1];
        w[n] = 0;
        next[n] = n;
        for (int i = n - 1; i >= 0; i--) {
            int hi = Math.min(i + band, bruteForce || i == n - 1 ? n : next[i + 1]);
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            double base = s[i] * (lambda - i * step) + c[i];
            for (int j = i + 1; j <= hi; j++) {
                double v = base + s[i] * (j * step) - c[j] + w[j];
                if (v < best) {
                    best = v;
                    arg = j;
                }
            }
            w[i] = best;
            next[i] = arg;
        }
        int count = 0;
        for (int i = 0; i < n; i = next[i]) {
            count++;
        }
        double[] polls = new double[count];
        int k = 0;
        for (int i = 0; i < n; ) {
            i = next[i];
            polls[k++] = i * step;
        }
        return new Schedule(polls, lambda, distribution);
    }

    /** The optimal schedule of each model for one λ. */
    public static Map<String, Schedule> optimalForEach(Map<String, ? extends Distribution> truth, double lambda) {
        return optimalForEach(truth, lambda, Double.POSITIVE_INFINITY);
    }

    /** As {@link #optimalForEach(Map, double)}, no two polls (nor the submit and the first) more than {@code maxIntervalSeconds} apart. */
    public static Map<String, Schedule> optimalForEach(Map<String, ? extends Distribution> truth, double lambda,
                                                       double maxIntervalSeconds) {
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        truth.forEach((model, distribution) -> schedules.put(model, optimalCapped(distribution, lambda, maxIntervalSeconds)));
        return schedules;
    }

    /** Polls per job and mean delay of some schedules on sampled jobs. */
    public static final class Figures {
        public final double lambda;
        public final double pollsPerJob;
        public final double meanDelaySeconds;

        Figures(double lambda, double pollsPerJob, double meanDelaySeconds) {
            this.lambda = lambda;
            this.pollsPerJob = pollsPerJob;
            this.meanDelaySeconds = meanDelaySeconds;
        }

        /** {@code λ · polls + delay} per job, seconds. */
        public double cost(double lambda) {
            return lambda * pollsPerJob + meanDelaySeconds;
        }
    }

    /**
     * Counts exactly, on sampled jobs {@code from} (inclusive) to {@code to} (exclusive): job
     * {@code i} of model {@code models[i]} takes {@code durationSeconds[i]} from its submit to its
     * completion, and is seen done by the first poll of its model's schedule at or after that.
     */
    public static Figures evaluate(Map<String, Schedule> schedules, String[] models, double[] durationSeconds,
                                   int from, int to) {
        long polls = 0;
        double delay = 0;
        double lambda = Double.NaN;
        for (int i = from; i < to; i++) {
            Schedule schedule = schedules.get(models[i]);
            if (schedule == null) {
                throw new IllegalArgumentException("no schedule for " + models[i]);
            }
            lambda = schedule.lambda;
            polls += schedule.pollsFor(durationSeconds[i]);
            delay += schedule.delayFor(durationSeconds[i]);
        }
        int n = to - from;
        return new Figures(lambda, polls / (double) n, delay / n);
    }

    /**
     * The oracle at a given mean delay on sampled jobs: λ is bracketed by {@code frontier} (the
     * figures of a λ sweep on the same jobs, with the same {@code maxIntervalSeconds}), narrowed by {@code bisections} halvings of its
     * logarithm, and the polls per job interpolated (log-log) between the two ends of the bracket.
     * Mean delay on a finite sample is monotone in λ only in expectation; the bracket is taken as
     * found. Returns the figures at the interpolated point (λ is the geometric interpolation).
     */
    public static Figures atMeanDelay(Map<String, ? extends Distribution> truth, double maxIntervalSeconds,
                                      List<Figures> frontier, String[] models, double[] durationSeconds, int from,
                                      int to, double targetDelaySeconds, int bisections) {
        Figures lo = null;
        Figures hi = null;
        for (Figures f : frontier) {
            if (f.meanDelaySeconds <= targetDelaySeconds && (lo == null || f.lambda > lo.lambda)) {
                lo = f;
            }
        }
        for (Figures f : frontier) {
            if (f.meanDelaySeconds >= targetDelaySeconds && (lo == null || f.lambda > lo.lambda)
                    && (hi == null || f.lambda < hi.lambda)) {
                hi = f;
            }
        }
        if (lo == null || hi == null) {
            throw new IllegalArgumentException("mean delay " + targetDelaySeconds + " s is outside the frontier");
        }
        for (int k = 0; k < bisections && hi.lambda > lo.lambda; k++) {
            double lambda = Math.sqrt(lo.lambda * hi.lambda);
            Figures mid = evaluate(optimalForEach(truth, lambda, maxIntervalSeconds), models, durationSeconds, from, to);
            if (mid.meanDelaySeconds <= targetDelaySeconds) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if (hi.meanDelaySeconds == lo.meanDelaySeconds) {
            return lo;
        }
        double x = (Math.log(targetDelaySeconds) - Math.log(lo.meanDelaySeconds))
                / (Math.log(hi.meanDelaySeconds) - Math.log(lo.meanDelaySeconds));
        double polls = Math.exp(Math.log(lo.pollsPerJob) + x * (Math.log(hi.pollsPerJob) - Math.log(lo.pollsPerJob)));
        double lambda = Math.exp(Math.log(lo.lambda) + x * (Math.log(hi.lambda) - Math.log(lo.lambda)));
        return new Figures(lambda, polls, targetDelaySeconds);
    }

    /** {@code count} values from {@code from} to {@code to}, evenly spaced on a log scale. */
    public static double[] logSpaced(double from, double to, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = from * Math.pow(to / from, count == 1 ? 0 : i / (double) (count - 1));
        }
        return values;
    }
}
