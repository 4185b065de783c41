package io.asyncinvoke.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asyncinvoke.client.PollingOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The oracle of benchmark P3 is what it claims: the cheapest fixed poll sequence for a known distribution. */
class PollingOracleTest {

    private static final PollingOracle.LogNormal IMAGE = new PollingOracle.LogNormal(3, 0.6);
    private static final PollingOracle.LogNormal AUDIO = new PollingOracle.LogNormal(20, 0.6);

    @Test
    void erfcAndTheLogNormalAreAccurate() {
        assertThat(PollingOracle.erfc(0)).isCloseTo(1, within(1e-15));
        assertThat(PollingOracle.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-15));
        assertThat(PollingOracle.erfc(1)).isCloseTo(0.15729920705028513, within(1e-15));
        assertThat(PollingOracle.erfc(3)).isCloseTo(2.209049699858544e-5, within(1e-19));
        assertThat(PollingOracle.erfc(-1)).isCloseTo(1.8427007929497148, within(1e-15));
        assertThat(IMAGE.survival(3)).isCloseTo(0.5, within(1e-12));
        // ∫₀^∞ S = E[T] = median · exp(σ²/2)
        assertThat(AUDIO.integratedSurvival(1e6)).isCloseTo(20 * Math.exp(0.18), within(1e-9));
        // against a numerical integral of S
        double integral = 0;
        for (double t = 0.0005; t < 5; t += 0.001) {
            integral += IMAGE.survival(t) * 0.001;
        }
        assertThat(IMAGE.integratedSurvival(5)).isCloseTo(integral, within(1e-6));
    }

    @Test
    void theMonotoneSearchFindsTheSameOptimumAsTheFullOne() {
        for (double lambda : new double[] {0.005, 0.05, 0.5, 2}) {
            PollingOracle.Schedule fast = PollingOracle.optimal(IMAGE, lambda, 0.05, 40, Double.POSITIVE_INFINITY, false);
            PollingOracle.Schedule full = PollingOracle.optimalBruteForce(IMAGE, lambda, 0.05, 40);
            assertThat(fast.expectedCost()).as("lambda %s", lambda).isCloseTo(full.expectedCost(), within(1e-12));
            assertThat(fast.pollSeconds()).containsExactly(full.pollSeconds());

            PollingOracle.Schedule capped = PollingOracle.optimal(AUDIO, lambda, 0.25, 300, 5, false);
            PollingOracle.Schedule cappedFull = PollingOracle.optimal(AUDIO, lambda, 0.25, 300, 5, true);
            assertThat(capped.expectedCost()).isCloseTo(cappedFull.expectedCost(), within(1e-12));
        }
    }

    @Test
    void theOptimumCostsNoMoreThanAnyFixedIntervalAndCapsCostSomething() {
        for (PollingOracle.LogNormal d : new PollingOracle.LogNormal[] {IMAGE, AUDIO}) {
            double horizon = d.quantileAbove(PollingOracle.TAIL_SURVIVAL);
            for (double lambda : PollingOracle.logSpaced(0.005, 2, 20)) {
                PollingOracle.Schedule best = PollingOracle.optimal(d, lambda);
                for (double interval : new double[] {0.1, 0.25, 0.5, 1, 2, 3, 5, 10}) {
                    PollingOracle.Schedule fixed = PollingOracle.fixed(d, lambda, interval, horizon);
                    assertThat(best.expectedCost()).as("%s, lambda %s vs every %s s", d, lambda, interval)
                            .isLessThanOrEqualTo(fixed.expectedCost() + 1e-12);
                }
                PollingOracle.Schedule capped = PollingOracle.optimalCapped(d, lambda, 5);
                assertThat(best.expectedCost()).isLessThanOrEqualTo(capped.expectedCost() + 1e-12);
                double[] polls = capped.pollSeconds();
                double previous = 0;
                for (double t : polls) {
                    assertThat(t - previous).isLessThanOrEqualTo(5 + 1e-9);
                    previous = t;
                }
            }
        }
    }

    @Test
    void theAnalyticFrontierIsMonotone() {
        double previousPolls = Double.POSITIVE_INFINITY;
        double previousDelay = 0;
        for (double lambda : PollingOracle.logSpaced(0.005, 2, 20)) {
            PollingOracle.Schedule s = PollingOracle.optimal(AUDIO, lambda);
            assertThat(s.expectedPolls).as("polls at lambda %s", lambda).isLessThanOrEqualTo(previousPolls);
            assertThat(s.expectedDelaySeconds).as("delay at lambda %s", lambda).isGreaterThanOrEqualTo(previousDelay);
            assertThat(s.expectedCost()).isCloseTo(lambda * s.expectedPolls + s.expectedDelaySeconds, within(1e-12));
            previousPolls = s.expectedPolls;
            previousDelay = s.expectedDelaySeconds;
        }
    }

    @Test
    void countingOnSampledJobsAgreesWithTheExpectation() {
        PollingOracle.Schedule s = PollingOracle.optimal(IMAGE, 0.05);
        SplittableRandom random = new SplittableRandom(3);
        int n = 200_000;
        String[] models = new String[n];
        double[] durations = new double[n];
        for (int i = 0; i < n; i++) {
            models[i] = "image";
            // Box-Muller: a log-normal duration
            double g = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            durations[i] = 3 * Math.exp(0.6 * g);
        }

        PollingOracle.Figures f = PollingOracle.evaluate(Map.of("image", s), models, durations, 0, n);

        assertThat(f.pollsPerJob).isCloseTo(s.expectedPolls, within(0.01 * s.expectedPolls));
        assertThat(f.meanDelaySeconds).isCloseTo(s.expectedDelaySeconds, within(0.01 * s.expectedDelaySeconds));
        double[] polls = s.pollSeconds();
        assertThat(s.pollsFor(polls[0])).as("a job done at a poll is seen by it").isEqualTo(1);
        assertThat(s.delayFor(polls[0])).isZero();
        assertThat(s.pollsFor(polls[polls.length - 1] + 7)).isEqualTo(polls.length + 2);
        assertThat(s.delayFor(polls[polls.length - 1] + 7)).isCloseTo(3, within(1e-9));
    }

    @Test
    void aSmallP3RunPutsTheOracleBelowEveryOtherPolicy() {
        SmallRun run = smallRun(300, 1);

        for (int k = 0; k < run.lambdas.length; k++) {
            double lambda = run.lambdas[k];
            double oracle = lambda * run.oraclePolls[k] + run.oracleDelays[k];
            for (Map.Entry<String, double[]> policy : run.policies.entrySet()) {
                if (policy.getKey().startsWith("fixed")) {
                    double cost = lambda * policy.getValue()[0] + policy.getValue()[1];
                    assertThat(oracle).as("lambda %s vs %s", lambda, policy.getKey()).isLessThan(cost);
                }
            }
            if (k > 0) {
                assertThat(run.oraclePolls[k]).as("frontier polls at lambda %s", lambda).isLessThan(run.oraclePolls[k - 1]);
                assertThat(run.oracleDelays[k]).as("frontier delay at lambda %s", lambda).isGreaterThan(run.oracleDelays[k - 1]);
            }
        }
        assertThat(Arrays.stream(run.oraclePolls).min().orElseThrow()).isGreaterThanOrEqualTo(1);
        // No goal is checked on 300 jobs (noise and the cold start dominate); only that the default
        // does not beat the optimum by more than sampling noise.
        assertThat(run.defaultOverOracle).isGreaterThan(0.85).isFinite();
    }

    /** A small P3 run: every policy through the client, and the oracle's frontier, on the same jobs. */
    private static final class SmallRun {
        double[] lambdas;
        /** Per λ: the oracle's polls per job and mean delay on the jobs. */
        double[] oraclePolls;
        double[] oracleDelays;
        /** Per policy: polls per job and mean delay. */
        final Map<String, double[]> policies = new LinkedHashMap<>();
        /** The default's polls per job over the oracle's at the default's mean delay (all jobs). */
        double defaultOverOracle;
    }

    private static SmallRun smallRun(int jobs, long seed) {
        List<PollingPolicyBenchmark.SimJob> mix = PollingPolicyBenchmark.mix(jobs, seed);
        SmallRun run = new SmallRun();
        run.lambdas = PollingPolicyBenchmark.frontierLambdas();
        List<Map<String, PollingOracle.Schedule>> frontier =
                PollingPolicyBenchmark.sweep(run.lambdas, Double.POSITIVE_INFINITY);
        run.oraclePolls = new double[run.lambdas.length];
        run.oracleDelays = new double[run.lambdas.length];
        for (int k = 0; k < run.lambdas.length; k++) {
            PollingPolicyBenchmark.Outcome o = PollingPolicyBenchmark.oracle(frontier.get(k), mix);
            run.oraclePolls[k] = o.pollsPerJob();
            run.oracleDelays[k] = o.meanDelay();
        }
        PollingPolicyBenchmark.Outcome ours = null;
        for (Map.Entry<String, PollingOptions> policy : PollingPolicyBenchmark.policies().entrySet()) {
            PollingPolicyBenchmark.Outcome o = PollingPolicyBenchmark.run(policy.getValue(), mix);
            run.policies.put(policy.getKey(), new double[] {o.pollsPerJob(), o.meanDelay()});
            if (policy.getKey().equals(PollingPolicyBenchmark.DEFAULT)) {
                ours = o;
            }
        }
        PollingOracle.Figures there =
                PollingPolicyBenchmark.oracleAt(ours, mix, frontier, Double.POSITIVE_INFINITY, 0, jobs);
        run.defaultOverOracle = ours.pollsPerJob() / there.pollsPerJob;
        return run;
    }
}
