package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code batch FILE} run in process against a simulator over real HTTP: the checks before anything
 * is sent, the JSON Lines on stdout, the exit codes, {@code --out}, and the journal (resuming,
 * outcome unknown, a torn last line, another input, a full disk, compaction).
 */
class BatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-do-batch-test-key-0987654321";
    private static final String MODEL = "fal-ai/flux/schnell";

    @TempDir
    Path tmp;

    private Simulator sim;
    private final Map<String, String> env = new HashMap<>();
    private BatchJournal.Storage storage = BatchJournal.Storage.REAL;
    private byte[] stdin = new byte[0];
    private boolean live;

    record Result(int code, String out, String err) {
        List<JsonNode> lines() throws IOException {
            List<JsonNode> all = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    all.add(JSON.readTree(line));
                }
            }
            return all;
        }

        Map<Integer, JsonNode> byLine() throws IOException {
            Map<Integer, JsonNode> by = new HashMap<>();
            for (JsonNode line : lines()) {
                assertThat(by.put(line.get("line").asInt(), line)).as("each line printed once: %s", out).isNull();
            }
            return by;
        }
    }

    @BeforeEach
    void start() {
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(30)).runningFor(Duration.ofMillis(60))
                .start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context context = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get, live,
                () -> {
                    throw new AssertionError("no embedded simulator in these tests");
                }, new ByteArrayInputStream(stdin), storage);
        int code = AsyncInvokeCli.execute(context, args);
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(result.out + result.err).as("the key is never printed").doesNotContain(KEY);
        return result;
    }

    private Result batch(String... args) {
        List<String> all = new ArrayList<>(List.of("batch"));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--base-url", sim.baseUrl(), "--api-key", KEY));
        return cli(all.toArray(new String[0]));
    }

    private static String line(String prompt) {
        return "{\"model_id\": \"" + MODEL + "\", \"input\": {\"prompt\": \"" + prompt + "\"}}";
    }

    private Path file(String... lines) throws IOException {
        Path file = Files.createTempFile(tmp, "batch", ".jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private Path prompts(int n) throws IOException {
        return file(IntStream.rangeClosed(1, n).mapToObj(i -> line("prompt " + i)).toArray(String[]::new));
    }

    private long posts() {
        return sim.journal().count(Endpoint.SUBMIT);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static List<JsonNode> records(Path journal) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            all.add(JSON.readTree(line));
        }
        return all;
    }

    // ------------------------------------------------------------------ checked before anything is sent

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                | {"model_id": "m", "input": {"prompt": "x"}  | line 3: not valid JSON
            an array                | [1, 2]                                      | line 3: must be a JSON object
            no model_id             | {"input": {"prompt": "x"}}                  | line 3: model_id is missing
            model_id not a string   | {"model_id": 7, "input": {"prompt": "x"}}   | line 3: model_id must be a string, not a number
            no input                | {"model_id": "m"}                           | line 3: input is missing
            input not an object     | {"model_id": "m", "input": "a cat"}         | line 3: input must be a JSON object, not a string
            tags not an array       | {"model_id": "m", "input": {}, "tags": {}}  | line 3: tags must be an array
            a tag without a value   | {"model_id": "m", "input": {}, "tags": [{"key": "k"}]} | line 3: tags[0] must be
            an unknown field        | {"model_id": "m", "input": {}, "model": "x"} | line 3: unknown field "model"
            a key twice             | {"model_id": "m", "model_id": "n", "input": {}} | line 3: not valid JSON: Duplicate field
            """)
    void aBadLineExitsTwoNamingItsLineAndNothingIsSent(String what, String bad, String message) throws Exception {
        Path file = file(line("fine"), "# a comment, then a blank line", bad, line("fine too"));

        Result result = batch(file.toString(), "--journal", tmp.resolve("j").toString());

        assertThat(result.code).as(result.err).isEqualTo(2);
        assertThat(result.err).contains("error: " + message).contains("Try 'async-invoke batch --help'.");
        assertThat(result.out).isEmpty();
        assertThat(sim.journal().requests()).as("nothing sent").isEmpty();
        assertThat(tmp.resolve("j")).as("no journal made").doesNotExist();
    }

    @Test
    void badOptionsExitTwoAndNothingIsSent() throws Exception {
        Path file = prompts(2);

        assertThat(batch(file.toString(), "--concurrency", "0").err).contains("--concurrency must be at least 1");
        assertThat(batch(tmp.resolve("missing.jsonl").toString()).err).contains("missing.jsonl: no such file");
        assertThat(batch(file.toString(), "--redis", "http://x").code).isEqualTo(2);
        Result badRedis = batch(file.toString(), "--redis", "redis-nope://:sekret-pass-42@127.0.0.1");
        assertThat(badRedis.code).isEqualTo(2);
        assertThat(badRedis.err).contains("--redis").doesNotContain("sekret-pass-42");
        assertThat(sim.journal().requests()).isEmpty();
    }

    // ------------------------------------------------------------------ stdout and exit codes

    @Test
    void everyLineCompletedPrintsOneJsonLineEachAndExitsZero() throws Exception {
        Path file = file("# two jobs", line("a lighthouse"), "", "   ", line("a harbour"));

        Result result = batch(file.toString(), "--concurrency", "2");

        assertThat(result.code).as(result.err).isZero();
        Map<Integer, JsonNode> lines = result.byLine();
        assertThat(lines).containsOnlyKeys(2, 5);
        for (JsonNode line : lines.values()) {
            assertThat(line.fieldNames()).toIterable()
                    .containsExactly("line", "request_id", "status", "output", "error", "files");
            assertThat(line.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(line.get("request_id").asText()).isNotBlank();
            assertThat(line.get("output").isObject()).isTrue();
            assertThat(line.get("error").isNull()).isTrue();
            assertThat(line.get("files").isArray()).isTrue();
        }
        assertThat(posts()).isEqualTo(2);
        assertThat(result.err).contains("2/2 lines: 2 done, 0 failed, 0 in flight, 0 waiting");
    }

    @Test
    void theReadmeExampleFileRuns() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        String start = "cat > jobs.jsonl <<'JSONL'\n";
        int from = readme.indexOf(start) + start.length();
        Path file = tmp.resolve("jobs.jsonl");
        Files.writeString(file, readme.substring(from, readme.indexOf("\nJSONL\n", from) + 1));

        Result result = batch(file.toString(), "--out", tmp.resolve("out").toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.byLine()).containsOnlyKeys(2, 3, 4);
        assertThat(result.byLine().get(3).get("files")).hasSize(2);
    }

    @Test
    void stdinIsReadWithADash() throws Exception {
        stdin = (line("from stdin") + "\n").getBytes(StandardCharsets.UTF_8);

        Result result = batch("-");

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.lines()).hasSize(1);
    }

    @Test
    void someFailedExitsOneWithTheirError() throws Exception {
        sim.failJobsWhere(request -> String.valueOf(request.getInput().getPrompt()).contains("broken"), "model exploded");
        Path file = file(line("fine"), line("broken"), line("fine again"));

        Result result = batch(file.toString());

        assertThat(result.code).as(result.err).isEqualTo(1);
        Map<Integer, JsonNode> lines = result.byLine();
        assertThat(lines.get(2).get("status").asText()).isEqualTo("FAILED");
        assertThat(lines.get(2).get("error").asText()).contains("model exploded");
        assertThat(lines.get(1).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(result.err).contains("1 of 3 lines FAILED");
    }

    @Test
    void aBadKeyExitsThree() throws Exception {
        Path file = prompts(3);

        Result result = cli("batch", file.toString(), "--base-url", sim.baseUrl(), "--api-key", "sk-do-wrong-key-123");

        assertThat(result.code).as(result.err).isEqualTo(3);
        assertThat(result.err).contains("check --api-key");
        assertThat(result.lines()).hasSize(3).allSatisfy(line -> assertThat(line.get("status").isNull()).isTrue());
        assertThat(result.out + result.err).doesNotContain("sk-do-wrong-key-123");
    }

    @Test
    void linesNotFinishedWithinTheTimeoutAreNullWithTheirRequestIdAndExitFour() throws Exception {
        sim.close();
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofSeconds(30)).start();
        Path file = prompts(2);

        Result result = batch(file.toString(), "--timeout", "500ms");

        assertThat(result.code).as(result.err).isEqualTo(4);
        for (JsonNode line : result.lines()) {
            assertThat(line.get("status").isNull()).isTrue();
            assertThat(line.get("request_id").asText()).isNotBlank();
            assertThat(line.get("error").asText()).isNotBlank();
        }
        assertThat(result.err).contains("2 of 2 lines unfinished");
    }

    @Test
    void outSavesEachLinesFilesInItsOwnFolder() throws Exception {
        Path file = prompts(3);
        Path out = tmp.resolve("out");

        Result result = batch(file.toString(), "--out", out.toString());

        assertThat(result.code).as(result.err).isZero();
        for (JsonNode line : result.lines()) {
            int n = line.get("line").asInt();
            assertThat(line.get("files")).hasSize(1);
            Path saved = Path.of(line.get("files").get(0).asText());
            assertThat(saved).isEqualTo(out.resolve("line-" + n).resolve("0.png"));
            assertThat(ImageIO.read(saved.toFile())).isNotNull();
        }
    }

    // ------------------------------------------------------------------ stderr

    @Test
    void theProgressCountsEveryLineAndEstimatesTheTimeLeft() {
        BatchProgress counts = new BatchProgress(10);
        Progress clock = new Progress(new PrintStream(new ByteArrayOutputStream()), false,
                System.nanoTime() - Duration.ofSeconds(10).toNanos());
        counts.startedAt(clock);
        for (int i = 0; i < 7; i++) {
            counts.started();
        }
        for (int i = 0; i < 5; i++) {
            counts.stopped();
        }
        counts.ended(BatchCommand.Status.COMPLETED);
        counts.ended(BatchCommand.Status.COMPLETED);
        counts.ended(BatchCommand.Status.COMPLETED);
        counts.ended(BatchCommand.Status.FAILED);
        counts.ended(BatchCommand.Status.UNFINISHED);

        assertThat(counts.text(true)).isEqualTo("[##########----------] 5/10 lines: 3 done, 1 failed, 1 unfinished, "
                + "2 in flight, 3 waiting; 10s, ETA 10s");
        assertThat(counts.text(false)).startsWith("5/10 lines: ");

        BatchProgress resumed = new BatchProgress(10);
        resumed.startedAt(clock);
        for (int i = 0; i < 4; i++) {
            resumed.replayed(BatchCommand.Status.COMPLETED);
        }
        resumed.ended(BatchCommand.Status.COMPLETED);
        assertThat(resumed.text(false)).as("lines ended before this run cost no time: not in the estimate")
                .endsWith("5/10 lines: 5 done, 0 failed, 0 in flight, 5 waiting; 10s, ETA 50s");
    }

    @Test
    void offATerminalTheProgressIsAPlainLineEverySoOften() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress progress = Progress.summary(new PrintStream(err, true, StandardCharsets.UTF_8), false,
                System.nanoTime(), () -> "3/10 lines: 3 done", Duration.ofMillis(50))) {
            Thread.sleep(400);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().toList()).hasSizeGreaterThan(2)
                .allSatisfy(line -> assertThat(line).isEqualTo("3/10 lines: 3 done"));
        assertThat(text).doesNotContain("\r").doesNotContain("\033");
    }

    @Test
    void onATerminalTheProgressIsABarRedrawnInPlace() throws Exception {
        live = true;
        sim.close();
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(200)).runningFor(Duration.ofMillis(300))
                .start();

        Result result = batch(prompts(3).toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.err).contains("\r\033[K[").contains(" in flight, ").contains(" waiting; ");
        assertThat(result.err.lines().reduce((a, b) -> b).orElseThrow())
                .as("the bar erased, the summary stays").contains("\033[K3/3 lines: 3 done, 0 failed, 0 in flight, 0 waiting; ");
        assertThat(result.lines()).hasSize(3);
    }

    // ------------------------------------------------------------------ the journal

    @Test
    void aRerunWithTheJournalPrintsFinishedLinesAgainAndSendsNothing() throws Exception {
        Path file = prompts(4);
        Path journal = tmp.resolve("batch.journal");
        Result first = batch(file.toString(), "--journal", journal.toString());
        assertThat(first.code).as(first.err).isZero();

        Result again = batch(file.toString(), "--journal", journal.toString());

        assertThat(again.code).as(again.err).isZero();
        assertThat(again.byLine()).isEqualTo(first.byLine());
        assertThat(posts()).isEqualTo(4);
    }

    @Test
    void linesWithARequestIdAreWatchedNotSubmittedAgain() throws Exception {
        sim.close();
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(1500)).runningFor(Duration.ofMillis(50))
                .start();
        Path file = prompts(3);
        Path journal = tmp.resolve("batch.journal");
        Result first = batch(file.toString(), "--journal", journal.toString(), "--timeout", "300ms");
        assertThat(first.code).as(first.err).isEqualTo(4);
        assertThat(first.err).contains("run the same command again to resume them");

        Result again = batch(file.toString(), "--journal", journal.toString());

        assertThat(again.code).as(again.err).isZero();
        assertThat(posts()).as("one POST per line, over both runs").isEqualTo(3);
        Map<Integer, JsonNode> before = first.byLine();
        again.byLine().forEach((n, line) -> assertThat(line.get("request_id")).isEqualTo(before.get(n).get("request_id")));
    }

    @Test
    void aLineLeftSubmittingIsReportedAndNotSentUnlessResubmitUnknown() throws Exception {
        Path file = prompts(3);
        Path journal = tmp.resolve("batch.journal");
        Files.writeString(journal, "{\"journal\":\"async-invoke batch\",\"version\":1,\"input_sha256\":\"" + sha256(file)
                + "\"}\n{\"line\":2,\"state\":\"submitting\"}\n");

        Result result = batch(file.toString(), "--journal", journal.toString());

        assertThat(result.code).as(result.err).isEqualTo(4);
        JsonNode unknown = result.byLine().get(2);
        assertThat(unknown.get("status").isNull()).isTrue();
        assertThat(unknown.get("error").asText()).contains("outcome unknown").contains("--resubmit-unknown");
        assertThat(BatchFixtures.postsByPrompt(sim)).containsOnlyKeys("prompt 1", "prompt 3");

        Result resubmitted = batch(file.toString(), "--journal", journal.toString(), "--resubmit-unknown");

        assertThat(resubmitted.code).as(resubmitted.err).isZero();
        assertThat(resubmitted.byLine()).hasSize(3);
        assertThat(BatchFixtures.postsByPrompt(sim)).containsEntry("prompt 1", 1L).containsEntry("prompt 2", 1L)
                .containsEntry("prompt 3", 1L);
    }

    @Test
    void aTornLastLineIsIgnoredWithAWarning() throws Exception {
        Path file = prompts(2);
        Path journal = tmp.resolve("batch.journal");
        assertThat(batch(file.toString(), "--journal", journal.toString()).code).isZero();
        Files.writeString(journal, "{\"line\":2,\"state\":\"sub", StandardOpenOption.APPEND);

        Result result = batch(file.toString(), "--journal", journal.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.err).contains("warning: --journal " + journal + ": line").contains("is incomplete");
        assertThat(result.lines()).hasSize(2);
        assertThat(posts()).isEqualTo(2);
        assertThat(Files.readString(journal)).endsWith("}\n");
    }

    @Test
    void aJournalRefusesAnotherInput() throws Exception {
        Path journal = tmp.resolve("batch.journal");
        assertThat(batch(prompts(2).toString(), "--journal", journal.toString()).code).isZero();
        long before = posts();

        Result result = batch(prompts(3).toString(), "--journal", journal.toString());

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("was written for another input file");
        assertThat(posts()).isEqualTo(before);
    }

    @Test
    void aDamagedJournalIsRefused() throws Exception {
        Path file = prompts(2);
        Path journal = tmp.resolve("batch.journal");
        Files.writeString(journal, "{\"journal\":\"async-invoke batch\",\"version\":1,\"input_sha256\":\"" + sha256(file)
                + "\"}\ngarbage\n{\"line\":1,\"state\":\"submitting\"}\n");

        Result result = batch(file.toString(), "--journal", journal.toString());

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("line 2 is damaged");
        assertThat(sim.journal().requests()).isEmpty();
    }

    @Test
    void aFullDiskStopsTheBatchWithAClearMessageAndLosesNothing() throws Exception {
        Path file = prompts(5);
        Path journal = tmp.resolve("batch.journal");
        // the third "submitting" record finds the disk full
        storage = (path, options) -> new FullAfter(FileChannel.open(path, options), "submitting", 3);

        Result full = batch(file.toString(), "--journal", journal.toString(), "--concurrency", "1");

        assertThat(full.code).as(full.err).isEqualTo(4);
        assertThat(full.err).contains("--journal " + journal + ": cannot be written (No space left on device)")
                .contains("run the same command again to resume");
        Map<Integer, JsonNode> lines = full.byLine();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(lines.get(2).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(lines.get(3).get("error").asText()).startsWith("not sent: ");
        assertThat(posts()).as("nothing sent that the journal did not record first").isEqualTo(2);

        storage = BatchJournal.Storage.REAL;
        Result resumed = batch(file.toString(), "--journal", journal.toString());

        assertThat(resumed.code).as(resumed.err).isZero();
        assertThat(resumed.byLine()).hasSize(5);
        assertThat(BatchFixtures.postsByPrompt(sim)).hasSize(5).allSatisfy((prompt, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void aRequestIdTheFullDiskKeptFromTheJournalIsPrintedAndTheRerunReportsItsLineAsUnknown() throws Exception {
        Path file = prompts(3);
        Path journal = tmp.resolve("batch.journal");
        storage = (path, options) -> new FullAfter(FileChannel.open(path, options), "submitted", 1);

        Result full = batch(file.toString(), "--journal", journal.toString(), "--concurrency", "1");

        assertThat(full.code).as(full.err).isEqualTo(4);
        Map<Integer, JsonNode> lines = full.byLine();
        assertThat(lines.get(1).get("status").asText()).as("followed to its end all the same").isEqualTo("COMPLETED");
        assertThat(lines.get(1).get("request_id").asText()).isNotBlank();
        assertThat(lines.get(2).get("error").asText()).startsWith("not sent: ");

        storage = BatchJournal.Storage.REAL;
        Result rerun = batch(file.toString(), "--journal", journal.toString());

        assertThat(rerun.code).as(rerun.err).isEqualTo(4);
        assertThat(rerun.byLine().get(1).get("error").asText()).startsWith("outcome unknown");
        assertThat(BatchFixtures.postsByPrompt(sim)).hasSize(3).allSatisfy((prompt, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void theJournalIsCompactedAndStillTellsEveryLine() throws Exception {
        Path file = prompts(60);
        BatchInput.Summary summary;
        try (BatchInput input = BatchInput.open(file.toString(), InputStream.nullInputStream())) {
            summary = input.validate();
        }
        Path path = tmp.resolve("compacted.journal");
        try (BatchJournal journal = BatchJournal.open(path, BatchJournal.Storage.REAL, summary, w -> { }, 10)) {
            for (int line = 1; line <= 60; line++) {
                journal.submitting(line).block();
                journal.submitted(line, "id-" + line).block();
                if (line <= 50) {
                    journal.ended(line, JSON.valueToTree(Map.of("line", line, "status", "COMPLETED"))).block();
                }
            }
            assertThat(journal.compactions()).isPositive();
        }
        List<JsonNode> records = records(path);
        assertThat(records).hasSizeLessThan(1 + 60 * 3 - 50);
        try (BatchJournal journal = BatchJournal.open(path, BatchJournal.Storage.REAL, summary, w -> { })) {
            List<Integer> ended = new ArrayList<>();
            journal.forEachEnded(result -> ended.add(result.get("line").asInt()));
            assertThat(ended).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 50).boxed().toList());
            for (int line = 51; line <= 60; line++) {
                assertThat(journal.state(line)).isEqualTo(BatchJournal.SUBMITTED);
                assertThat(journal.requestId(line)).isEqualTo("id-" + line);
            }
        }
    }

    @Test
    void aJournalInUseIsRefused() throws Exception {
        Path file = prompts(1);
        BatchInput.Summary summary;
        try (BatchInput input = BatchInput.open(file.toString(), InputStream.nullInputStream())) {
            summary = input.validate();
        }
        Path path = tmp.resolve("busy.journal");
        try (BatchJournal held = BatchJournal.open(path, BatchJournal.Storage.REAL, summary, w -> { })) {
            Result result = batch(file.toString(), "--journal", path.toString());
            assertThat(result.code).isEqualTo(2);
            assertThat(result.err).contains("in use by another batch");
        }
    }

    /** A journal's file on a disk that fills up: the {@code n}th record of state {@code state} finds no space. */
    private static final class FullAfter extends FileChannel {
        private static final AtomicInteger SEEN = new AtomicInteger();
        private final FileChannel real;
        private final String state;
        private final int n;

        FullAfter(FileChannel real, String state, int n) {
            this.real = real;
            this.state = "\"state\":\"" + state + "\"";
            this.n = n;
            SEEN.set(0);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            String text = StandardCharsets.UTF_8.decode(src.duplicate()).toString();
            if (text.contains(state) && SEEN.incrementAndGet() >= n) {
                // a part of it reaches the disk, as when space runs out mid-write
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + Math.min(5, part.remaining()));
                real.write(part);
                throw new IOException("No space left on device");
            }
            return real.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public java.nio.MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
