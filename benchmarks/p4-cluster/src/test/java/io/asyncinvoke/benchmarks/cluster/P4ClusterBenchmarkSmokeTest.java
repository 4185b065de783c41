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
        assertThat(cost.commandsPerTake).as(cost.commands).isBetween(3.0, 4.0);
        try (RedisBudgetStore store = RedisBudgetStore.create(REDIS.server().url())) {
            assertThat(P4ClusterBenchmark.reads(store, 20)[0]).isPositive();
        }
    }
}
