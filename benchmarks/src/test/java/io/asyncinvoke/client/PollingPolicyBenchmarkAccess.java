package io.asyncinvoke.client;

import java.util.List;
import java.util.Map;

/** Lets the smoke test reach the package-private parts of {@link PollingPolicyBenchmark}. */
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
}
