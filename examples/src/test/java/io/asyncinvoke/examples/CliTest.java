package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line run in process, against a simulator over real HTTP, with stdout and stderr
 * captured: every exit code, the JSON on stdout, the lines on stderr, saved files, and the key.
 */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A status and the time since the submit, to a tenth of a second, as DurationFormat writes it. */
    private static final Pattern STATUS_LINE = Pattern.compile("^([A-Z_]+) {2,}(\\d00ms|0s|\\d+(\\.\\d)?s|\\d+m(\\d+s)?)$");
    private static final String KEY = "sk-do-test-key-1234567890";

    @TempDir
    Path tmp;

    private Simulator sim;
    private final Map<String, String> env = new HashMap<>();
    private final List<Simulator> embedded = new CopyOnWriteArrayList<>();
    private Supplier<Simulator> embeddedFactory = () -> Simulator.builder()
            .queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMillis(100)).start();

    /** What one run of the command line produced. */
    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(out)) {
                List<JsonNode> all = values.readAll();
                assertThat(all).as("stdout holds exactly one JSON value: %s", out).hasSize(1);
                assertThat(all.get(0).isObject()).as("a JSON object").isTrue();
                return all.get(0);
            }
        }

        List<String> statusLines() {
            return err.lines().filter(line -> STATUS_LINE.matcher(line).matches()).collect(Collectors.toList());
        }

        List<String> statuses() {
            return statusLines().stream().map(line -> line.substring(0, line.indexOf(' '))).collect(Collectors.toList());
        }
    }

    @BeforeEach
    void start() {
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMillis(100))
                .start();
    }

    @AfterEach
    void stop() {
        sim.close();
        embedded.forEach(Simulator::close);
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context context = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get, false, () -> {
                    Simulator s = embeddedFactory.get();
                    embedded.add(s);
                    return s;
                });
        int code = AsyncInvokeCli.execute(context, args);
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(result.out + result.err).as("the key is never printed").doesNotContain(KEY);
        return result;
    }

    /** The arguments that aim at the test's simulator with its key. */
    private String[] against(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--base-url", sim.baseUrl(), "--api-key", KEY));
        return all.toArray(new String[0]);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ 0: success

    @Test
    void runPrintsTheCompletedJobAndSavesThePng() throws Exception {
        Path out = tmp.resolve("out");

        Result result = cli(against("run", "--prompt", "a lighthouse at dusk", "--out", out.toString()));

        assertThat(result.code).as(result.err).isZero();
        JsonNode job = result.json();
        assertThat(job.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.get("model_id").asText()).isEqualTo("fal-ai/flux/schnell");
        assertThat(job.has("request_id")).isTrue();
        assertThat(job.has("created_at")).isTrue();
        assertThat(job.has("completed_at")).isTrue();
        assertThat(job.has("requestId")).as("snake_case only").isFalse();
        JsonNode image = job.get("output").get("images").get(0);
        assertThat(image.get("content_type").asText()).isEqualTo("image/png");

        Path png = out.resolve("0.png");
        assertThat(result.err).contains("saved " + png);
        var decoded = ImageIO.read(png.toFile());
        assertThat(decoded.getWidth()).isEqualTo(image.get("width").asInt());
        assertThat(result.statuses()).startsWith("QUEUED").endsWith("COMPLETED");
        assertThat(result.err.lines().filter(line -> !line.startsWith("saved ")))
                .as("stderr holds only status lines and saved lines").allMatch(line -> STATUS_LINE.matcher(line).matches());
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
        assertThat(sim.journal().requests(Endpoint.MEDIA)).singleElement()
                .satisfies(r -> assertThat(r.authorizationPresent()).isFalse());
    }

    @Test
    void runShowsEachStatusChangeOnceWithTheElapsedTime() throws Exception {
        sim.close();
        // long enough that a slow machine's first poll still lands while the job runs
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(200)).runningFor(Duration.ofMillis(2500))
                .start();

        Result result = cli(against("run", "--prompt", "slow"));

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.statuses()).containsExactly("QUEUED", "IN_PROGRESS", "COMPLETED");
        List<Duration> elapsed = result.statusLines().stream()
                .map(line -> DurationConverter.parse(line.substring(line.lastIndexOf(' ') + 1)))
                .collect(Collectors.toList());
        assertThat(elapsed).isSorted();
        assertThat(elapsed.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void audioAndSpeechAreSavedWithTheirExtensions() throws Exception {
        Path out = tmp.resolve("sounds");

        Result audio = cli(against("run", "--model", "fal-ai/stable-audio-25/text-to-audio", "--prompt", "rain",
                "--seconds-total", "1", "--out", out.toString()));
        Result speech = cli(against("run", "--model", "fal-ai/elevenlabs/tts/multilingual-v2", "--text", "Hello",
                "--out", out.toString()));

        assertThat(audio.code).as(audio.err).isZero();
        assertThat(speech.code).as(speech.err).isZero();
        assertThat(audio.json().get("output").get("audio").get("content_type").asText()).isEqualTo("audio/wav");
        AudioFileFormat wav = AudioSystem.getAudioFileFormat(out.resolve("output.wav").toFile());
        assertThat(wav.getType()).isEqualTo(AudioFileFormat.Type.WAVE);
        assertThat(Files.size(out.resolve("output.mp3")))
                .isEqualTo(speech.json().get("output").get("audio").get("file_size").asLong());
    }

    @Test
    void submitThenGetThenWatch() throws Exception {
        Result submitted = cli(against("submit", "--prompt", "later"));

        assertThat(submitted.code).as(submitted.err).isZero();
        JsonNode job = submitted.json();
        String id = job.get("request_id").asText();
        assertThat(job.get("status").asText()).isEqualTo("QUEUED");
        assertThat(sim.journal().count(Endpoint.ANY)).as("submit does not wait").isEqualTo(1);

        Path out = tmp.resolve("later");
        Result watched = cli(against("watch", id, "--out", out.toString()));
        assertThat(watched.code).as(watched.err).isZero();
        assertThat(watched.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(watched.statuses()).last().isEqualTo("COMPLETED");
        assertThat(out.resolve("0.png")).exists();

        Result got = cli(against("get", id));
        assertThat(got.code).as(got.err).isZero();
        assertThat(got.json().get("request_id").asText()).isEqualTo(id);
        assertThat(got.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(got.err).isEmpty();
    }

    @Test
    void inputTagsAndFlagsAreMergedIntoTheRequest() throws Exception {
        Result result = cli(against("submit", "--input", "{\"num_images\": 2, \"prompt\": \"from input\", "
                + "\"image_size\": \"square\"}", "--prompt", "from the flag", "--tag", "team=docs", "--tag", "env=test"));

        assertThat(result.code).as(result.err).isZero();
        JsonNode body = JSON.readTree(sim.journal().requests(Endpoint.SUBMIT).get(0).body());
        assertThat(body.get("model_id").asText()).isEqualTo("fal-ai/flux/schnell");
        assertThat(body.get("input").get("prompt").asText()).isEqualTo("from the flag");
        assertThat(body.get("input").get("num_images").asInt()).isEqualTo(2);
        assertThat(body.get("input").get("image_size").asText()).isEqualTo("square");
        assertThat(body.get("tags").toString()).isEqualTo("[{\"key\":\"team\",\"value\":\"docs\"},"
                + "{\"key\":\"env\",\"value\":\"test\"}]");
    }

    @Test
    void helpAndVersion() {
        Result help = cli("--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("run", "submit", "get", "watch", "Exit codes");

        Result runHelp = cli("run", "--help");
        assertThat(runHelp.code).isZero();
        assertThat(runHelp.out).contains("--prompt", "--out", "--timeout", "fal-ai/flux/schnell", "MODEL_ACCESS_KEY");

        assertThat(cli("--version").out).startsWith("async-invoke ");

        Result nothing = cli();
        assertThat(nothing.code).isEqualTo(2);
        assertThat(nothing.err).contains("name a command");

        assertThat(help.out).contains("simulator", "http://127.0.0.1:8089");
        Result simulatorHelp = cli("simulator", "--help");
        assertThat(simulatorHelp.code).isZero();
        assertThat(simulatorHelp.out).contains("--port", "8089", "--api-key", "--queued", "--running", "--rate-limit",
                "60/min", "--no-status-endpoint", "--rate-limit-headers", "x-ratelimit", "base_url", "130 or 143");
    }

    // ------------------------------------------------------------------ the simulator command's options

    @ParameterizedTest
    @ValueSource(strings = {
            "--rate-limit 60", "--rate-limit /min", "--rate-limit 0/min", "--rate-limit -5/s", "--rate-limit 60/fortnight",
            "--rate-limit 60/0s", "--rate-limit x/min", "--rate-limit-headers ietf", "--queued -1s", "--running soon",
            "--port 70000", "--port -1", "--port http", "--api-key short", "--api-key has\tspace", "--bogus"})
    void badSimulatorOptionsExitTwoBeforeItStarts(String line) {
        List<String> args = new ArrayList<>(List.of("simulator"));
        args.addAll(Arrays.asList(line.split(" ")));

        Result result = cli(args.toArray(new String[0]));

        assertThat(result.code).as("%s%n%s", args, result.err).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err).startsWith("error: ").contains("Try 'async-invoke simulator --help'.")
                .doesNotContain("Exception");
    }

    @Test
    void theRateLimitSaysWhatItWants() {
        Result result = cli("simulator", "--rate-limit", "lots");

        assertThat(result.err).contains("'lots' is not a rate limit: use N/s, N/min, N/h or N/DURATION, e.g. 60/min");
        SimulatorCommand.RateLimitConverter converter = new SimulatorCommand.RateLimitConverter();
        assertThat(converter.convert("60/min")).isEqualTo(new SimulatorCommand.RateLimit(60, Duration.ofMinutes(1)));
        assertThat(converter.convert("10/s")).isEqualTo(new SimulatorCommand.RateLimit(10, Duration.ofSeconds(1)));
        assertThat(converter.convert("5000/h")).isEqualTo(new SimulatorCommand.RateLimit(5000, Duration.ofHours(1)));
        assertThat(converter.convert("100/90s")).isEqualTo(new SimulatorCommand.RateLimit(100, Duration.ofSeconds(90)));
        assertThat(converter.convert("100/1m30s")).isEqualTo(new SimulatorCommand.RateLimit(100, Duration.ofSeconds(90)));
        assertThat(converter.convert(" 250 / MIN ")).isEqualTo(new SimulatorCommand.RateLimit(250, Duration.ofMinutes(1)));
    }

    // ------------------------------------------------------------------ the embedded simulator

    @Test
    void runWithoutEndpointOrKeyUsesTheEmbeddedSimulatorAndSaysSo() throws Exception {
        Path out = tmp.resolve("demo");

        Result result = cli("run", "--prompt", "a lighthouse at dusk", "--out", out.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.err.lines().findFirst()).hasValueSatisfying(line ->
                assertThat(line).contains("embedded simulator"));
        assertThat(result.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(ImageIO.read(out.resolve("0.png").toFile())).isNotNull();
        assertThat(embedded).singleElement().satisfies(s -> {
            assertThat(s.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
            assertThat(s.isClosed()).as("closed when the command ends").isTrue();
        });
        assertThat(sim.journal().count(Endpoint.ANY)).isZero();
    }

    @Test
    void theSimulatorFlagWinsOverAKeyAndNeverPrintsIt() throws Exception {
        env.put("MODEL_ACCESS_KEY", KEY);

        Result result = cli("run", "--simulator", "--text", "hi", "--model", "fal-ai/elevenlabs/tts/multilingual-v2");

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.err).doesNotContain("embedded simulator");
        assertThat(embedded).hasSize(1);
        assertThat(result.json().get("output").get("audio").get("content_type").asText()).isEqualTo("audio/mpeg");
    }

    @Test
    void otherCommandsNeedAKeyOrTheSimulatorFlag() throws Exception {
        for (String[] args : new String[][] {{"submit", "--prompt", "x"}, {"get", "some-id"}, {"watch", "some-id"}}) {
            Result result = cli(args);
            assertThat(result.code).as(Arrays.toString(args)).isEqualTo(2);
            assertThat(result.err).contains("no API key");
        }
        assertThat(embedded).isEmpty();
    }

    // ------------------------------------------------------------------ 1: job failed

    @Test
    void aFailedJobExitsOneWithTheServersMessage() throws Exception {
        sim.failJobsWhere(request -> "forbidden".equals(request.getInput().getPrompt()),
                "prompt was rejected by the safety checker");
        Path out = tmp.resolve("never");

        Result result = cli(against("run", "--prompt", "forbidden", "--out", out.toString()));

        assertThat(result.code).isEqualTo(1);
        JsonNode job = result.json();
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("error").asText()).isEqualTo("prompt was rejected by the safety checker");
        assertThat(result.err).contains("prompt was rejected by the safety checker")
                .contains(job.get("request_id").asText());
        assertThat(result.statuses()).last().isEqualTo("FAILED");
        assertThat(out).doesNotExist();

        sim.failNextJobs(1, "out of capacity");
        Result submitted = cli(against("submit", "--prompt", "x"));
        Result watched = cli(against("watch", submitted.json().get("request_id").asText()));
        assertThat(watched.code).isEqualTo(1);
        assertThat(watched.err).contains("out of capacity");
    }

    // ------------------------------------------------------------------ 2: usage, nothing sent

    @ParameterizedTest
    @ValueSource(strings = {
            "run",
            "submit --model fal-ai/flux/schnell",
            "run --prompt",
            "run --prompt x --input [1,2]",
            "run --input {not-json",
            "run --input null",
            "run --prompt x --tag no-equals-sign",
            "run --prompt x --tag =value",
            "run --prompt x --timeout 5x",
            "run --prompt x --timeout 0s",
            "run --prompt x --timeout -5m",
            "run --prompt x --seconds-total -1",
            "run --prompt x --seconds-total many",
            "run --prompt x --model  ",
            "run --prompt x --input {\"num_images\":\"two\"}",
            "run --prompt x --bogus",
            "run --prompt x --simulator",
            "get",
            "get a/../b c",
            "watch bad\tid",
            "get ..",
            "frobnicate",
            ""})
    void invalidInputExitsTwoAndSendsNothing(String line) {
        List<String> args = new ArrayList<>(line.isEmpty() ? List.of() : Arrays.asList(line.split(" ", -1)));
        args.removeIf(String::isEmpty);
        if (line.endsWith("--model  ")) {
            args.add(" ");
        }
        if (line.equals("watch bad\tid")) {
            args = new ArrayList<>(List.of("watch", "bad\tid"));
        }
        args.addAll(List.of("--base-url", sim.baseUrl(), "--api-key", KEY));

        Result result = cli(args.toArray(new String[0]));

        assertThat(result.code).as("%s%n%s", args, result.err).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err).startsWith("error: ");
        assertThat(sim.journal().count(Endpoint.ANY)).as("requests sent").isZero();
    }

    @Test
    void anOutDirectoryThatCannotHoldTheFilesIsRefusedBeforeAnythingIsSent() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "not a directory");
        Path readOnly = Files.createDirectory(tmp.resolve("read-only"));
        List<String[]> refused = new ArrayList<>();
        refused.add(new String[] {file.toString(), "exists and is not a directory"});
        refused.add(new String[] {file.resolve("sub/dir").toString(), "cannot be created, " + file + " is not a directory"});
        if (Files.isDirectory(Path.of("/proc/self"))) {
            // a directory nobody may write in, root included
            refused.add(new String[] {"/proc/self", "not writable"});
            refused.add(new String[] {"/proc/self/out", "cannot be created in /proc/self"});
        }
        if (readOnly.toFile().setWritable(false, false) && !Files.isWritable(readOnly)) {
            // not as root, for whom permission bits do not apply
            refused.add(new String[] {readOnly.toString(), "not writable (permission denied)"});
            refused.add(new String[] {readOnly.resolve("out").toString(), "cannot be created in " + readOnly});
        }
        String id = JSON.readTree(cli(against("submit", "--prompt", "x")).out).get("request_id").asText();
        long requestsBefore = sim.journal().count(Endpoint.ANY);

        for (String[] out : refused) {
            Result run = cli(against("run", "--prompt", "x", "--out", out[0]));
            Result watch = cli(against("watch", id, "--out", out[0]));

            for (Result result : List.of(run, watch)) {
                assertThat(result.code).as("%s%n%s", out[0], result.err).isEqualTo(2);
                assertThat(result.out).isEmpty();
                assertThat(result.err).startsWith("error: --out " + out[0] + ": " + out[1]);
            }
        }
        assertThat(sim.journal().count(Endpoint.ANY)).as("requests sent").isEqualTo(requestsBefore);
        assertThat(Files.readString(file)).isEqualTo("not a directory");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("notes.txt", "read-only");
        }
        try (var left = Files.list(readOnly)) {
            assertThat(left).as("no probe file left behind").isEmpty();
        }
    }

    @Test
    void anOutDirectoryStillToBeMadeIsFineAndNotMadeBeforeTheJobEnds() throws Exception {
        Path out = tmp.resolve("new/dir");
        sim.failNextJobs(1, "out of capacity");

        Result failed = cli(against("run", "--prompt", "x", "--out", out.toString()));

        assertThat(failed.code).as(failed.err).isEqualTo(1);
        assertThat(tmp.resolve("new")).doesNotExist();
        Result completed = cli(against("run", "--prompt", "x", "--out", out.toString()));
        assertThat(completed.code).as(completed.err).isZero();
        assertThat(out.resolve("0.png")).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"x\"", "1", "null", "true", "", "  "})
    void anInputThatIsNoObjectIsSaidPlainly(String input) {
        Result result = cli(against("submit", "--input", input));

        assertThat(result.code).as(result.err).isEqualTo(2);
        assertThat(result.err.lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("error: --input must be a JSON object, e.g. '{\"num_images\": 2}'"));
        assertThat(result.err).doesNotContainIgnoringCase("jackson").doesNotContain("LinkedHashMap", "java.", "`");
        assertThat(sim.journal().count(Endpoint.ANY)).isZero();
    }

    @Test
    void malformedInputGetsAShortReasonWithItsPlace() {
        Map<String, String> cases = Map.of(
                "{not-json", "line 1, column 2",
                "{\"prompt\": \"x\",\n \"num_images\": }", "line 2, column 16",
                "{\"prompt\": \"x\"", "end-of-input",
                "{\"prompt\": \"x\"} trailing", "line 1, column 17",
                "{\"a\": 1}{", "more after the end of the value (line 1, column 9)",
                "{\"prompt\": \"x\", \"prompt\": \"y\"}", "Duplicate field 'prompt'");
        cases.forEach((input, where) -> {
            Result result = cli(against("submit", "--input", input));

            assertThat(result.code).as(input).isEqualTo(2);
            String first = result.err.lines().findFirst().orElseThrow();
            assertThat(first).as(input).startsWith("error: --input is not valid JSON: ").contains(where);
            assertThat(first).as(input).doesNotContainIgnoringCase("jackson").doesNotContain("Source", "java.", "`",
                    "JsonToken", "REDACTED");
        });
        assertThat(sim.journal().count(Endpoint.ANY)).isZero();
    }

    @Test
    void aTagWithoutKeyAndValueIsSaidPlainly() {
        Result noValue = cli(against("submit", "--prompt", "x", "--tag", "novalue"));
        Result noKey = cli(against("submit", "--prompt", "x", "--tag", "=v"));
        Result emptyValue = cli(against("submit", "--prompt", "x", "--tag", "team=", "--tag", "a=b=c"));

        assertThat(noValue.code).isEqualTo(2);
        assertThat(noValue.err).startsWith("error: --tag needs KEY=VALUE, got 'novalue'\n")
                .doesNotContain("option option");
        assertThat(noKey.code).isEqualTo(2);
        assertThat(noKey.err).startsWith("error: --tag needs KEY=VALUE with a KEY before the '=', got '=v'\n");
        assertThat(sim.journal().count(Endpoint.SUBMIT)).as("only the valid tags were sent").isEqualTo(1);
        assertThat(emptyValue.code).as(emptyValue.err).isZero();
        assertThat(sim.journal().requests(Endpoint.SUBMIT).get(0).body())
                .contains("{\"key\":\"team\",\"value\":\"\"}", "{\"key\":\"a\",\"value\":\"b=c\"}");
    }

    @Test
    void durationsArePrintedAsTheyAreWrittenAndReadBack() {
        sim.inject(Fault.hang().on(Endpoint.GET));

        Result result = cli(against("get", "some-id", "--timeout", "1.5s"));

        assertThat(result.code).isEqualTo(4);
        assertThat(result.err).contains("no answer within 1.5s for job some-id");
        Result help = cli("run", "--help");
        assertThat(help.out).contains("default: 10m", "1m30s");
    }

    @Test
    void aMalformedEndpointIsAUsageError() {
        Result result = cli("get", "id", "--base-url", "http://inference.example", "--api-key", KEY);
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("plain http");
    }

    @Test
    void aKeyEchoedInAParseErrorIsRedacted() {
        env.put("MODEL_ACCESS_KEY", KEY);
        Result stray = cli("run", "--prompt", "x", KEY);
        assertThat(stray.code).isEqualTo(2);
        assertThat(stray.err).contains("[REDACTED]");

        env.clear();
        Result unknown = cli("run", "--api-key=" + KEY, "--prompt", "x", "--what", KEY);
        assertThat(unknown.code).isEqualTo(2);
    }

    // ------------------------------------------------------------------ 3: authentication

    @Test
    void aRejectedKeyExitsThree() {
        String wrong = "sk-do-wrong-key-0000";
        for (String[] args : new String[][] {{"run", "--prompt", "x"}, {"submit", "--prompt", "x"},
                {"get", "some-id"}, {"watch", "some-id"}}) {
            List<String> all = new ArrayList<>(Arrays.asList(args));
            all.addAll(List.of("--base-url", sim.baseUrl(), "--api-key", wrong));

            Result result = cli(all.toArray(new String[0]));

            assertThat(result.code).as("%s%n%s", all, result.err).isEqualTo(3);
            assertThat(result.out).isEmpty();
            assertThat(result.err).contains("401").doesNotContain(wrong).doesNotContain("async-invoke watch");
        }
        assertThat(sim.journal().countStatus(401)).isEqualTo(4);
    }

    // ------------------------------------------------------------------ 4: other errors, naming the request_id

    @Test
    void anUnknownJobExitsFourNamingIt() {
        Result got = cli(against("get", "0c0e6a8e-3f7b-4a55-9d0e-1f1b8a0f3e21"));
        Result watched = cli(against("watch", "0c0e6a8e-3f7b-4a55-9d0e-1f1b8a0f3e21"));

        for (Result result : List.of(got, watched)) {
            assertThat(result.code).isEqualTo(4);
            assertThat(result.out).isEmpty();
            assertThat(result.err).contains("404").contains("request_id: 0c0e6a8e-3f7b-4a55-9d0e-1f1b8a0f3e21\n");
            assertThat(result.err).as("an unknown or expired job is not worth watching later")
                    .doesNotContain("async-invoke watch", "check on it later");
        }
    }

    @Test
    void aServerErrorOrRateLimitSuggestsWatchingLater() {
        sim.inject(Fault.status(503).on(Endpoint.GET));
        Result unavailable = cli(against("get", "some-id"));
        sim.clearFaults();
        sim.inject(Fault.rateLimited(Duration.ofMillis(100)).on(Endpoint.GET));
        Result limited = cli(against("get", "other-id"));
        sim.clearFaults();
        sim.inject(Fault.status(400).on(Endpoint.GET));
        Result refused = cli(against("get", "third-id"));

        assertThat(unavailable.code).isEqualTo(4);
        assertThat(unavailable.err).contains("503")
                .contains("request_id: some-id (check on it later with: async-invoke watch some-id)");
        assertThat(limited.code).isEqualTo(4);
        assertThat(limited.err).contains("429")
                .contains("request_id: other-id (check on it later with: async-invoke watch other-id)");
        assertThat(refused.code).isEqualTo(4);
        assertThat(refused.err).contains("400").contains("request_id: third-id\n").doesNotContain("async-invoke watch");
    }

    @Test
    void aSubmitWithAnUnknownOutcomeSuggestsNoWatch() {
        sim.inject(Fault.status(500).on(Endpoint.SUBMIT));

        for (String command : List.of("submit", "run")) {
            Result result = cli(against(command, "--prompt", "x"));

            assertThat(result.code).as(result.err).isEqualTo(4);
            assertThat(result.out).isEmpty();
            assertThat(result.err).contains("500").doesNotContain("request_id:", "async-invoke watch");
        }
    }

    @Test
    void aNetworkErrorExitsFour() throws Exception {
        Result result = cli("get", "some-id", "--base-url", "http://127.0.0.1:" + closedPort(), "--api-key", KEY);

        assertThat(result.code).isEqualTo(4);
        assertThat(result.out).isEmpty();
        assertThat(result.err).contains("connection")
                .contains("request_id: some-id (check on it later with: async-invoke watch some-id)");
    }

    @Test
    void aTimeoutExitsFourNamingTheJobToWatchLater() throws Exception {
        sim.close();
        sim = Simulator.builder().apiKey(KEY).queuedFor(Duration.ofMillis(50)).runningFor(Duration.ofMinutes(5))
                .start();

        Result result = cli(against("run", "--prompt", "slow", "--timeout", "1500ms"));

        assertThat(result.code).isEqualTo(4);
        assertThat(result.out).isEmpty();
        var named = Pattern.compile("request_id: (\\S+)").matcher(result.err);
        assertThat(named.find()).as(result.err).isTrue();
        String id = named.group(1);
        assertThat(sim.job(id)).as("the job named is the one submitted").isPresent();
        assertThat(result.err).contains("did not finish").contains("async-invoke watch " + id);
        assertThat(result.statuses()).contains("QUEUED");
    }

    @Test
    void aHungCallTimesOutWithTheTimeoutOption() {
        sim.inject(Fault.hang().on(Endpoint.GET));

        Result result = cli(against("get", "some-id", "--timeout", "500ms"));

        assertThat(result.code).isEqualTo(4);
        assertThat(result.err).contains("no answer within 500ms").contains("some-id");
    }

    @Test
    void aFailedDownloadExitsFourButStillPrintsTheJob() throws Exception {
        sim.inject(Fault.status(404).on(Endpoint.MEDIA));

        Result result = cli(against("run", "--prompt", "x", "--out", tmp.resolve("out").toString()));

        assertThat(result.code).isEqualTo(4);
        String id = result.json().get("request_id").asText();
        assertThat(result.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(result.err).contains("Download").contains("404")
                .contains("request_id: " + id + " (save its files again with: async-invoke watch " + id + " --out DIR)");
        List<RecordedRequest> media = sim.journal().requests(Endpoint.MEDIA);
        assertThat(media).hasSize(1);
    }

    // ------------------------------------------------------------------ a hostile service

    /** What a terminal would obey: ESC, CSI (C1), BEL, CR, DEL, and the bidi overrides. */
    private static void assertNothingDrivesATerminal(String text) {
        assertThat(text).doesNotContain("\u001b", "\u009b", "\u0007", "\r", "\u007f", "\u202e");
    }

    @Test
    void whatTheServiceSaysIsPrintedAsTextNeverAsTerminalControl() throws Exception {
        String hostile = "\u001b]0;owned\u0007\u001b[2J\r\u202eerror: forged\u009b31m\u007f";
        sim.failNextJobs(1, "rejected " + hostile);

        Result failed = cli(against("run", "--prompt", "x"));

        assertThat(failed.code).isEqualTo(1);
        assertNothingDrivesATerminal(failed.err);
        assertNothingDrivesATerminal(failed.out);
        assertThat(failed.err).contains("\\u001b]0;owned");
        assertThat(failed.json().get("error").asText()).as("the JSON keeps the text, escaped").isEqualTo("rejected " + hostile);

        String id = cli(against("submit", "--prompt", "y")).json().get("request_id").asText();
        sim.overrideStatus(id, "RUNNING" + hostile);
        Result watched = cli(against("watch", id, "--timeout", "1s"));
        assertThat(watched.code).isEqualTo(4);
        assertNothingDrivesATerminal(watched.err);
        assertThat(watched.err).contains("RUNNING\\u001b");
    }

    @Test
    void aKeyEchoedInAJobErrorReachesNeitherStdoutNorStderr() throws Exception {
        // (escaped echoes are covered where they are decoded: the client's SecretsIT)
        sim.failNextJobs(1, "bad key " + KEY);

        Result failed = cli(against("run", "--prompt", "x"));

        assertThat(failed.code).isEqualTo(1);
        assertThat(failed.out + failed.err).doesNotContain(KEY).contains("[REDACTED]");
    }
}
