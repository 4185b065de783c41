package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch} as a separate JVM from the packaged jar, against a simulator in this JVM: killed with
 * SIGKILL and run again with its journal, and a file of 100,000 lines in a small heap.
 */
class BatchJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES = 24;

    @TempDir
    Path tmp;

    private Simulator sim;

    @BeforeEach
    void start() {
        assertThat(CliJar.PATH).exists();
        sim = Simulator.builder().queuedFor(Duration.ofMillis(300)).runningFor(Duration.ofMillis(600)).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Process batch(Path file, Path journal, Path out, Path err, String... jvm) throws IOException {
        List<String> command = CliJar.command(List.of(jvm), "batch", file.toString(), "--journal", journal.toString(),
                "--concurrency", "4", "--base-url", sim.baseUrl(), "--api-key", sim.apiKey());
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("MODEL_ACCESS_KEY");
        return builder.start();
    }

    /** Each line's last state in the journal (a torn last line left out). */
    private static Map<Integer, String> states(Path journal) throws IOException {
        Map<Integer, String> states = new HashMap<>();
        for (String line : Files.readAllLines(journal)) {
            try {
                JsonNode record = JSON.readTree(line);
                if (record.has("line")) {
                    states.put(record.get("line").asInt(), record.get("state").asText());
                }
            } catch (IOException torn) {
                // the record being written when the process was stopped
            }
        }
        return states;
    }

    private static List<JsonNode> lines(Path out) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            all.add(JSON.readTree(line));
        }
        return all;
    }

    private void rerunCompletes(Path file, Path journal) throws Exception {
        Path out = tmp.resolve("rerun.out");
        Path err = tmp.resolve("rerun.err");
        Process rerun = batch(file, journal, out, err);
        assertThat(rerun.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        List<JsonNode> results = lines(out);
        assertThat(results).as(stderr).hasSize(LINES);
        Map<Integer, JsonNode> byLine = new HashMap<>();
        results.forEach(r -> assertThat(byLine.put(r.get("line").asInt(), r)).as("printed once").isNull());
        assertThat(byLine).hasSize(LINES);
        if (rerun.exitValue() == 0) {
            assertThat(results).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("COMPLETED"));
        } else {
            // killed between a submit and the record of its answer: reported, never sent again
            assertThat(rerun.exitValue()).as(stderr).isEqualTo(4);
            assertThat(results).allSatisfy(r -> assertThat(r.get("status").asText(null) == null
                    ? r.get("error").asText() : r.get("status").asText()).matches("COMPLETED|outcome unknown.*"));
        }
        assertThat(BatchFixtures.postsByPrompt(sim)).as("no line submitted twice").allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void killedWithSigkillAndRunAgainEveryLineCompletesExactlyOnceWithOnePostPerLine() throws Exception {
        Path file = BatchFixtures.input(tmp.resolve("batch.jsonl"), LINES);
        Path journal = tmp.resolve("batch.journal");
        Process first = batch(file, journal, tmp.resolve("first.out"), tmp.resolve("first.err"));
        // killed mid-run, while jobs are in flight and no submit is: then nothing can be lost
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!killed && System.nanoTime() < deadline && first.isAlive()) {
            Thread.sleep(20);
            if (!Files.exists(journal) || !states(journal).containsValue("submitted")) {
                continue;
            }
            BatchFixtures.signal(first, "STOP");
            Map<Integer, String> states = states(journal);
            if (!states.containsValue("submitting") && states.containsValue("submitted")) {
                first.destroyForcibly();
                killed = true;
            } else {
                BatchFixtures.signal(first, "CONT");
            }
        }
        assertThat(killed).as("killed mid-run").isTrue();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as("SIGKILL").isEqualTo(137);
        long endedBefore = states(journal).values().stream().filter("ended"::equals).count();
        assertThat(endedBefore).as("lines left to finish").isLessThan(LINES);

        rerunCompletes(file, journal);

        assertThat(BatchFixtures.postsByPrompt(sim)).as("one POST per line").hasSize(LINES)
                .allSatisfy((prompt, n) -> assertThat(n).isEqualTo(1));
        assertThat(lines(tmp.resolve("rerun.out")))
                .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("COMPLETED"));
    }

    @Test
    void killedAtAnyMomentNothingIsLostOrDuplicated() throws Exception {
        Path file = BatchFixtures.input(tmp.resolve("batch.jsonl"), LINES);
        Path journal = tmp.resolve("batch.journal");
        Random random = new Random();
        // several kills at random moments, each followed by a rerun that is killed too
        for (int round = 0; round < 3; round++) {
            Process run = batch(file, journal, tmp.resolve("run" + round + ".out"), tmp.resolve("run" + round + ".err"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (!Files.exists(journal) || states(journal).isEmpty())) {
                Thread.sleep(10);
            }
            Thread.sleep(random.nextInt(800));
            run.destroyForcibly();
            assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(BatchFixtures.postsByPrompt(sim)).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
        }

        rerunCompletes(file, journal);
    }

    @Test
    void aHundredThousandLinesRunInASmallHeap() throws Exception {
        int lines = 100_000;
        // few: the client's request budget (250 a minute) paces real jobs
        int fresh = 10;
        Path file = BatchFixtures.input(tmp.resolve("batch.jsonl"), lines);
        // a journal of a batch stopped near its end: every line but the last 10 ended, each with an output
        // of about 600 bytes, 60 MB in all, more than the heap of the process that reads it
        Path journal = tmp.resolve("batch.journal");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        String padding = "x".repeat(500);
        try (BufferedWriter writer = Files.newBufferedWriter(journal, StandardCharsets.UTF_8)) {
            writer.write("{\"journal\":\"async-invoke batch\",\"version\":1,\"input_sha256\":\"" + sha256 + "\"}\n");
            for (int i = 1; i <= lines - fresh; i++) {
                writer.write("{\"line\":" + i + ",\"state\":\"submitting\"}\n");
                writer.write("{\"line\":" + i + ",\"state\":\"submitted\",\"request_id\":\"id-" + i + "\"}\n");
                writer.write("{\"line\":" + i + ",\"state\":\"ended\",\"result\":{\"line\":" + i + ",\"request_id\":\"id-"
                        + i + "\",\"status\":\"COMPLETED\",\"output\":{\"images\":[{\"url\":\"https://example.com/" + padding
                        + "\"}]},\"error\":null,\"files\":[]}}\n");
            }
        }
        assertThat(Files.size(journal)).isGreaterThan(60L << 20);
        Path out = tmp.resolve("big.out");
        Path err = tmp.resolve("big.err");
        long start = System.nanoTime();

        Process run = batch(file, journal, out, err, "-Xmx48m", "-XX:+ExitOnOutOfMemoryError");

        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        assertThat(run.exitValue()).as(stderr).isZero();
        long printed;
        try (var stream = Files.lines(out)) {
            printed = stream.count();
        }
        assertThat(printed).isEqualTo(lines);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(fresh);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        // appended to, and compacted: the superseded records are gone
        assertThat(states(journal).values().stream().filter("ended"::equals).count()).isEqualTo(lines);
        assertThat(Files.readAllLines(journal)).hasSizeBetween(lines + 1, lines + 1 + 3 * fresh);
    }
}
