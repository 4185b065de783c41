package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.redis.RedisServerExtension;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch FILE --store redis://HOST:PORT/NAME}: several runs of one FILE sharing their state in a
 * real {@code redis-server} (skipped without one unless {@code -Dredis.required=true}). Killed
 * processes are in {@link BatchJarIT}.
 */
class BatchStoreTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMillis(400)).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** One run's exit code and output. */
    record Run(int code, List<JsonNode> lines, String err) {
    }

    private Path input(int lines) throws IOException {
        Path file = tmp.resolve("batch.jsonl");
        Files.writeString(file, IntStream.rangeClosed(1, lines)
                .mapToObj(i -> "{\"model_id\": \"fal-ai/flux/schnell\", \"input\": {\"prompt\": \"line " + i + "\"}}\n")
                .collect(Collectors.joining()));
        return file;
    }

    private Run run(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context context = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get, false, () -> {
                    throw new AssertionError("not embedded");
                });
        List<String> all = new ArrayList<>(List.of("batch"));
        all.addAll(List.of(args));
        all.addAll(List.of("--base-url", sim.baseUrl(), "--api-key", sim.apiKey(), "--lease", "2s"));
        int code = AsyncInvokeCli.execute(context, all.toArray(String[]::new));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return new Run(code, lines, err.toString(StandardCharsets.UTF_8));
    }

    private String store(String name) {
        return REDIS.server().url() + "/" + name;
    }

    private static List<Integer> numbers(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("line").asInt()).sorted().toList();
    }

    @Test
    void twoProcessesShareTheLinesEachSubmittedOnceAndPrintedByOne() throws Exception {
        Path file = input(30);
        String store = store("shared-" + System.nanoTime());
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> unchecked(() -> run(file.toString(),
                "--store", store, "--concurrency", "6")));
        CompletableFuture<Run> second = CompletableFuture.supplyAsync(() -> unchecked(() -> run(file.toString(),
                "--store", store, "--concurrency", "6")));
        Run a = first.get(2, TimeUnit.MINUTES);
        Run b = second.get(2, TimeUnit.MINUTES);

        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        List<JsonNode> all = new ArrayList<>(a.lines());
        all.addAll(b.lines());
        assertThat(numbers(all)).as("every line printed once, by the process that finished it")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
        assertThat(all).allSatisfy(line -> {
            assertThat(line.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(line.get("request_id").asText()).isNotBlank();
        });
        assertThat(sim.journal().count(Endpoint.SUBMIT)).as("one POST per line").isEqualTo(30);
        assertThat(a.err()).contains("batch shared-", "namespace shared-");
    }

    @Test
    void aRunAfterTheBatchEndedSendsNothingAndExitsWithItsCode() throws Exception {
        Path file = input(5);
        String store = store("again-" + System.nanoTime());
        sim.failNextJobs(1, "the model refused");
        Run first = run(file.toString(), "--store", store);
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCodes.JOB_FAILED);
        assertThat(first.lines()).hasSize(5).filteredOn(l -> l.get("status").asText().equals("FAILED")).singleElement()
                .satisfies(l -> assertThat(l.get("error").asText()).isEqualTo("the model refused"));

        Run again = run(file.toString(), "--store", store);

        assertThat(again.code()).as("the whole batch's code").isEqualTo(ExitCodes.JOB_FAILED);
        assertThat(again.lines()).as("it finished none itself").isEmpty();
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(5);
    }

    @Test
    void anotherFileUnderTheSameNameIsAnotherBatch() throws Exception {
        String store = store("name-" + System.nanoTime());
        Path file = input(2);
        assertThat(run(file.toString(), "--store", store).code()).isZero();
        Files.writeString(file, "{\"model_id\": \"fal-ai/flux/schnell\", \"input\": {\"prompt\": \"other\"}}\n");

        Run other = run(file.toString(), "--store", store);

        assertThat(other.code()).as(other.err()).isZero();
        assertThat(numbers(other.lines())).containsExactly(1);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(3);
    }

    @Test
    void usageErrorsSendNothing() throws Exception {
        Path file = input(1);
        assertThat(run(file.toString(), "--store", "redis://127.0.0.1:6379").code()).as("no NAME").isEqualTo(ExitCodes.USAGE);
        assertThat(run(file.toString(), "--store", "http://127.0.0.1/x").code()).isEqualTo(ExitCodes.USAGE);
        Run both = run(file.toString(), "--store", store("x"), "--journal", tmp.resolve("j").toString());
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("--store and --journal");
        assertThat(run(file.toString(), "--store", store("x"), "--resubmit-unknown").code()).isEqualTo(ExitCodes.USAGE);
        Run secret = run(file.toString(), "--store", "redis://:s3cret-pass@127.0.0.1:6379/");
        assertThat(secret.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(secret.err()).doesNotContain("s3cret-pass");
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isZero();
    }

    @Test
    void leaseNeedsAStore() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context context = new Context(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get, false, () -> {
                    throw new AssertionError("not embedded");
                });
        int code = AsyncInvokeCli.execute(context, "batch", input(1).toString(), "--lease", "5s",
                "--base-url", sim.baseUrl(), "--api-key", sim.apiKey());
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--lease needs --store");
    }

    private interface Io<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(Io<T> io) {
        try {
            return io.get();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
