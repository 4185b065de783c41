package io.asyncinvoke.benchmarks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.redis.RedisBudgetStore;
import io.asyncinvoke.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness's measurements, in miniature: that they run (the figures come from the full run). */
class P4ClusterBenchmarkSmokeTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void theCostOfARedisTokenIsMeasured() {
        P4ClusterBenchmark.Cost cost = P4ClusterBenchmark.costPerToken(REDIS.server(), 200);
        assertThat(cost.p50Micros).isPositive();
        // sent: PTTL and GET together, then the EVAL; inside the EVAL Redis also counts its GET and PSETEX
        assertThat(cost.commandsPerTake).as(cost.commands).isEqualTo(3.0);
        assertThat(cost.countedPerTake).as(cost.counted).isEqualTo(5.0);
        assertThat(cost.pingP50Micros).isPositive();
        try (RedisBudgetStore store = RedisBudgetStore.create(REDIS.server().url())) {
            assertThat(P4ClusterBenchmark.reads(store, 20)[0]).isPositive();
        }
    }
}
