package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one client learned about how long each model's jobs take, from the jobs it saw complete:
 * a log-normal fit (mean and spread of {@code ln(completed_at - created_at)}), exponentially
 * weighted so that it follows a model whose speed changes. Job durations of generative models are
 * right-skewed; a log-normal is the usual fit and needs two numbers per model.
 *
 * <p>Two fits run side by side: a slow one (about the last 100 jobs), whose estimate is used,
 * and a fast one (about the last 20). When the fast mean moves away from the slow one by more
 * than its own noise explains, the model has changed speed: the slow fit restarts from the fast
 * one and learns the new speed within a few jobs instead of a hundred. A steady model thus gets
 * a precise estimate (its noise costs polls: a spread 0.1 off costs about 2 % more requests at
 * equal detection delay), and a model that changes is followed within a few jobs.
 *
 * <p>Reads are lock-free (an immutable {@link Estimate} behind a volatile field); learning takes a
 * per-model lock for a few arithmetic steps.
 */
final class JobDurations {

    /** Below this many completed jobs a model has no estimate and the classic schedule applies. */
    static final int MIN_SAMPLES = 3;
    /** Weight of a new sample in the fit used, once warm: it follows about the last 100 jobs. */
    private static final double SLOW_WEIGHT = 0.02;
    /** Weight of a new sample in the fit that watches for a change of speed (about the last 20 jobs). */
    private static final double FAST_WEIGHT = 0.1;
    /**
     * How far (in standard errors of the fast mean) the two means may part before the model
     * counts as changed: at 3, no false alarm in 100,000 jobs of a steady model, and a change by
     * one to three spreads (a model 1.8 to 6 times slower or faster at spread 0.6) noticed after about
     * 5 to 10 jobs.
     */
    private static final double SHIFT_STANDARD_ERRORS = 3;
    /**
     * What the fast fit counts for in the slow one when it restarts: little, since it still mixes
     * in jobs from before the change, so the jobs after it soon dominate.
     */
    private static final int RESTART_SAMPLES = 5;
    /** Models are few; the cap only guards against a caller inventing model ids. */
    private static final int MAX_MODELS = 1024;
    private static final double MIN_SIGMA = 0.15;
    private static final double MAX_SIGMA = 2.0;
    /** How far into the tail (in standard deviations) the fit is believed. */
    static final double TRUSTED_Z = 3.0;

    private final ConcurrentHashMap<String, Fit> fits = new ConcurrentHashMap<>();

    /** Learns from a terminal job; anything without a model and both timestamps is ignored. */
    void learn(Job job) {
        if (job == null || job.getStatus() != JobState.COMPLETED || job.getModelId() == null
                || job.getCreatedAt() == null || job.getCompletedAt() == null) {
            return;
        }
        long nanos = Duration.between(job.getCreatedAt(), job.getCompletedAt()).toNanos();
        if (nanos <= 0) {
            return;
        }
        Fit fit = fits.get(job.getModelId());
        if (fit == null) {
            if (fits.size() >= MAX_MODELS) {
                return;
            }
            fit = fits.computeIfAbsent(job.getModelId(), id -> new Fit());
        }
        fit.add(Math.log(nanos / 1e9));
    }

    /** The estimate for a model, or {@code null} while it has too few samples. */
    Estimate estimate(String modelId) {
        if (modelId == null) {
            return null;
        }
        Fit fit = fits.get(modelId);
        return fit == null ? null : fit.estimate;
    }

    /** A log-normal job duration: {@code ln(seconds) ~ N(mu, sigma²)}. Immutable. */
    static final class Estimate {
        final double mu;
        final double sigma;
        final int samples;
        /** Built by the first adaptive watch that needs it; a race only builds it twice. */
        private volatile PollSchedule.Spacing spacing;

        Estimate(double mu, double sigma, int samples) {
            this.mu = mu;
            this.sigma = Math.max(MIN_SIGMA, Math.min(MAX_SIGMA, sigma));
            this.samples = samples;
        }

        /** Where this estimate wants the polls of a job (see {@link PollSchedule.Spacing}). */
        PollSchedule.Spacing spacing() {
            PollSchedule.Spacing s = spacing;
            if (s == null) {
                s = new PollSchedule.Spacing(this);
                spacing = s;
            }
            return s;
        }

        /** The median duration in seconds. */
        double median() {
            return Math.exp(mu);
        }

        /**
         * The hazard rate at {@code t} seconds after creation: the probability per second that a
         * job still running at {@code t} completes now.
         */
        double hazard(double t) {
            if (t <= 0) {
                return 0;
            }
            double z = (Math.log(t) - mu) / sigma;
            if (z > TRUSTED_Z) {
                // Past the fit's 99.9th percentile the job is not behaving like the others (a backlog,
                // a stuck job): let the rate fall off so polls spread out towards the maximum interval.
                double edge = Math.exp(mu + TRUSTED_Z * sigma);
                return lognormalHazard(TRUSTED_Z, edge) * (edge / t) * (edge / t);
            }
            return lognormalHazard(z, t);
        }

        private double lognormalHazard(double z, double t) {
            double density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
            double survival = 0.5 * erfc(z / Math.sqrt(2));
            return density / (sigma * t * survival);
        }

        @Override
        public String toString() {
            return "Estimate{median=" + median() + "s, sigma=" + sigma + ", samples=" + samples + '}';
        }
    }

    /** Complementary error function, relative error below 1.2e-7 (Numerical Recipes' erfcc). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** One model's running fits. */
    private static final class Fit {
        private int samples;
        /** Samples in the slow fit since it last restarted (restarts count as the fast fit's memory). */
        private int slowSamples;
        private double mean;
        private double variance;
        private double fastMean;
        private double fastVariance;
        volatile Estimate estimate;

        synchronized void add(double logSeconds) {
            samples++;
            slowSamples++;
            double fastWeight = Math.max(FAST_WEIGHT, 1.0 / samples);
            double fastDiff = logSeconds - fastMean;
            fastMean += fastWeight * fastDiff;
            fastVariance = (1 - fastWeight) * (fastVariance + fastWeight * fastDiff * fastDiff);
            double weight = Math.max(SLOW_WEIGHT, 1.0 / slowSamples);
            double diff = logSeconds - mean;
            mean += weight * diff;
            variance = (1 - weight) * (variance + weight * diff * diff);
            if (samples < MIN_SAMPLES) {
                return;
            }
            // The fast mean's noise for a steady model of the slow fit's spread (the fast spread swells during a change).
            double fastError = Math.sqrt(Math.max(variance, MIN_SIGMA * MIN_SIGMA) * FAST_WEIGHT / (2 - FAST_WEIGHT));
            if (Math.abs(fastMean - mean) > SHIFT_STANDARD_ERRORS * fastError) {
                mean = fastMean;
                variance = fastVariance;
                slowSamples = RESTART_SAMPLES;
            }
            // With few samples the weights are 1/n and the variance is the biased maximum-likelihood
            // one: n / (n - 1) unbiases it (a spread taken too small leaves the tail unpolled).
            int n = Math.min(slowSamples, (int) Math.round(1 / SLOW_WEIGHT));
            estimate = new Estimate(mean, Math.sqrt(variance * n / (n - 1)), samples);
        }
    }
}
