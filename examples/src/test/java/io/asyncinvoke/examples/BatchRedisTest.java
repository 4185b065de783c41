package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.redis.RedisServerExtension;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch --redis URL}: the request budget kept in a real {@code redis-server} (started for the
 * class on a free port; the class is skipped without one unless {@code -Dredis.required=true}).
 */
class BatchRedisTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path tmp;

    @Test
    void everyRequestTakesItsTokenFromRedis() throws Exception {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40))
                .start()) {
            Path file = tmp.resolve("batch.jsonl");
            Files.writeString(file, "{\"model_id\": \"fal-ai/flux/schnell\", \"input\": {\"prompt\": \"one\"}}\n"
                    + "{\"model_id\": \"fal-ai/flux/schnell\", \"input\": {\"prompt\": \"two\"}}\n");
            long before = REDIS.server().calls("evalsha") + REDIS.server().calls("eval");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Context context = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get, false,
                    () -> {
                        throw new AssertionError("not embedded");
                    });

            int code = AsyncInvokeCli.execute(context, "batch", file.toString(), "--redis", REDIS.server().url(),
                    "--base-url", sim.baseUrl(), "--api-key", sim.apiKey());

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(2);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(2);
            long tokens = REDIS.server().calls("evalsha") + REDIS.server().calls("eval") - before;
            assertThat(tokens).as("a token taken in Redis per request (submits and polls)")
                    .isGreaterThanOrEqualTo(sim.journal().requests().size());
        }
    }
}
