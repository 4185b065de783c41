package io.asyncinvoke.client;

import io.asyncinvoke.benchmarks.PollingOracle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lets the benchmarks' tests reach the package-private parts of {@link PollingPolicyBenchmark}. */
public final class PollingPolicyBenchmarkAccess {

    private PollingPolicyBenchmarkAccess() {
    }

    public static List<?> mix(int jobs, long seed) {
        return PollingPolicyBenchmark.mix(jobs, seed);
    }

    public static Map<String, PollingOptions> policies() {
        return PollingPolicyBenchmark.policies();
    }

    @SuppressWarnings("unchecked")
    public static int completed(PollingOptions options, List<?> mix) {
        return PollingPolicyBenchmark.run(options, (List<PollingPolicyBenchmark.SimJob>) mix).completed;
    }

    /** The model mix's true duration distributions. */
    public static Map<String, PollingOracle.Distribution> truth() {
        return PollingPolicyBenchmark.truth();
    }

    /** A small P3 run: every policy through the real watcher, and the oracle's frontier, on the same jobs. */
    public static final class SmallRun {
        public final double[] lambdas;
        /** Per λ: the oracle's polls per job and mean delay on the jobs. */
        public final double[] oraclePolls;
        public final double[] oracleDelays;
        /** Per policy: polls per job and mean delay. */
        public final Map<String, double[]> policies = new LinkedHashMap<>();
        /** The default's polls per job over the oracle's at the default's mean delay (all jobs). */
        public final double defaultOverOracle;

        SmallRun(double[] lambdas, double[] oraclePolls, double[] oracleDelays, double defaultOverOracle) {
            this.lambdas = lambdas;
            this.oraclePolls = oraclePolls;
            this.oracleDelays = oracleDelays;
            this.defaultOverOracle = defaultOverOracle;
        }
    }

    public static SmallRun smallRun(int jobs, long seed) {
        List<PollingPolicyBenchmark.SimJob> mix = PollingPolicyBenchmark.mix(jobs, seed);
        double[] lambdas = PollingPolicyBenchmark.frontierLambdas();
        List<Map<String, PollingOracle.Schedule>> frontier = PollingPolicyBenchmark.sweep(lambdas, Double.POSITIVE_INFINITY);
        double[] polls = new double[lambdas.length];
        double[] delays = new double[lambdas.length];
        for (int k = 0; k < lambdas.length; k++) {
            PollingPolicyBenchmark.Outcome o = PollingPolicyBenchmark.oracle(frontier.get(k), mix);
            polls[k] = o.pollsPerJob();
            delays[k] = o.meanDelay();
        }
        PollingPolicyBenchmark.Outcome ours = null;
        Map<String, double[]> figures = new LinkedHashMap<>();
        for (Map.Entry<String, PollingOptions> policy : PollingPolicyBenchmark.policies().entrySet()) {
            PollingPolicyBenchmark.Outcome o = PollingPolicyBenchmark.run(policy.getValue(), mix);
            figures.put(policy.getKey(), new double[] {o.pollsPerJob(), o.meanDelay()});
            if (policy.getKey().equals(PollingPolicyBenchmark.DEFAULT)) {
                ours = o;
            }
        }
        PollingOracle.Figures there = PollingPolicyBenchmark.oracleAt(ours, mix, frontier, Double.POSITIVE_INFINITY, 0, jobs);
        SmallRun run = new SmallRun(lambdas, polls, delays, ours.pollsPerJob() / there.pollsPerJob);
        run.policies.putAll(figures);
        return run;
    }
}
