package io.asyncinvoke.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Ready-made duration distributions for {@link Simulator.Builder#queuedFor(Supplier)} and
 * {@link Simulator.Builder#runningFor(Supplier)}, e.g. log-normal run times for benchmarks. Every
 * supplier returned here is thread-safe and never blocks.
 */
public final class Durations {

    private Durations() {
    }

    /** Always {@code duration}. */
    public static Supplier<Duration> fixed(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        return () -> duration;
    }

    /** Uniform between {@code min} (inclusive) and {@code max} (exclusive), from a seeded generator. */
    public static Supplier<Duration> uniform(Duration min, Duration max, long seed) {
        long lo = min.toNanos();
        long span = max.toNanos() - lo;
        if (span < 0) {
            throw new IllegalArgumentException("max < min");
        }
        Random random = new Random(seed);
        return () -> Duration.ofNanos(lo + (span == 0 ? 0 : (long) (random.nextDouble() * span)));
    }

    /**
     * Log-normal with the given median and shape {@code sigma} (the standard deviation of the
     * underlying normal; 0.5 is a moderate right tail), from a seeded generator; capped at 100
     * times the median so a benchmark never waits forever.
     */
    public static Supplier<Duration> logNormal(Duration median, double sigma, long seed) {
        if (sigma < 0) {
            throw new IllegalArgumentException("sigma < 0");
        }
        double mu = Math.log(Math.max(1, median.toNanos()));
        double cap = median.toNanos() * 100.0;
        Random random = new Random(seed);
        return () -> {
            double gaussian;
            synchronized (random) {
                gaussian = random.nextGaussian();
            }
            return Duration.ofNanos((long) Math.min(cap, Math.exp(mu + sigma * gaussian)));
        };
    }
}
