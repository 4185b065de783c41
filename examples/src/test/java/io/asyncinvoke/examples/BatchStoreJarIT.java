package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.redis.RedisServerExtension;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cooperating {@code batch --store} workers as separate JVMs from the packaged jar, over one real
 * {@code redis-server} and one simulator: one is killed with SIGKILL while it watches jobs, and the
 * other finishes every line, the killed one's taken over after its lease, none submitted twice.
 */
class BatchStoreJarIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES = 30;

    @TempDir
    Path tmp;

    private Simulator sim;

    @BeforeEach
    void start() {
        assertThat(CliJar.PATH).exists();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(200)).runningFor(Duration.ofSeconds(3)).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Process worker(Path file, String store, String name) throws IOException {
        List<String> command = CliJar.command(List.of(), "batch", file.toString(), "--store", store, "--lease", "2s",
                "--concurrency", "10", "--base-url", sim.baseUrl(), "--api-key", sim.apiKey());
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile());
        builder.environment().remove("MODEL_ACCESS_KEY");
        return builder.start();
    }

    private List<JsonNode> printed(String name) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve(name + ".out"))) {
            try {
                all.add(JSON.readTree(line));
            } catch (IOException torn) {
                // the line being written at the kill
            }
        }
        return all;
    }

    /** How many lines of the batch are recorded as being submitted (their answer not yet recorded). */
    private static long submitting(Path file, String store) throws Exception {
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
        String namespace = store.substring(store.lastIndexOf('/') + 1) + "." + sha256.substring(0, 16);
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS.server().url());
        try (var connection = client.connect()) {
            return connection.sync().scard("async-invoke:jobs:{" + namespace + "}:state:SUBMITTING");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aKilledWorkersLinesAreTakenOverAndEveryLineIsSubmittedOnce() throws Exception {
        Path file = BatchFixtures.input(tmp.resolve("batch.jsonl"), LINES);
        String store = REDIS.server().url() + "/kill-" + System.nanoTime();
        Process victim = worker(file, store, "victim");
        Process survivor = worker(file, store, "survivor");

        // killed while jobs it submitted run (3 s each), and at a moment when no submit of its waits for its
        // answer: a kill then would leave that line "outcome unknown", which is reported, not lost (see README)
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!killed && System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (sim.journal().count(Endpoint.SUBMIT) < 12) {
                continue;
            }
            BatchFixtures.signal(victim, "STOP");
            if (submitting(file, store) == 0) {
                victim.destroyForcibly();
                killed = true;
            } else {
                BatchFixtures.signal(victim, "CONT");
            }
        }
        assertThat(killed).as("killed while jobs ran").isTrue();
        assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(survivor.waitFor(120, TimeUnit.SECONDS)).as("the survivor ends once every line is").isTrue();
        String stderr = Files.readString(tmp.resolve("survivor.err"));
        assertThat(survivor.exitValue()).as(stderr).isZero();

        List<JsonNode> all = new ArrayList<>(printed("victim"));
        all.addAll(printed("survivor"));
        Set<Integer> lines = all.stream().map(r -> r.get("line").asInt()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(lines).as("every line finished by one of them").hasSize(LINES);
        assertThat(printed("survivor")).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("COMPLETED"));
        assertThat(printed("victim").size()).as("lines were left to take over").isLessThan(LINES);
        assertThat(BatchFixtures.postsByPrompt(sim)).as("one POST per line, across both workers").hasSize(LINES)
                .allSatisfy((prompt, n) -> assertThat(n).isEqualTo(1));
    }
}
