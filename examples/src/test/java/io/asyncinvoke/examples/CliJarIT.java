package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run the way a user runs it: {@code java -jar target/async-invoke.jar ...}. */
class CliJarIT {


    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private Run java(String... args) throws IOException, InterruptedException {
        List<String> command = CliJar.command(List.of(), args);
        Path out = Files.createTempFile(tmp, "stdout", ".txt");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove("MODEL_ACCESS_KEY");
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeDemoRunsOffline() throws Exception {
        assertThat(CliJar.PATH).exists();

        Run run = java("run", "--prompt", "a lighthouse at dusk", "--out", "out/");

        assertThat(run.code).as(run.err).isZero();
        JsonNode job = new ObjectMapper().readTree(run.out);
        assertThat(job.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.get("request_id").asText()).isNotBlank();
        assertThat(run.err).contains("embedded simulator").contains("QUEUED").contains("COMPLETED")
                .contains("saved out/0.png");
        assertThat(run.err).as("no log noise").doesNotContain("SLF4J").doesNotContain("WARN").doesNotContain("at ");
        assertThat(ImageIO.read(tmp.resolve("out/0.png").toFile())).isNotNull();
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Run run = java("submit", "--prompt", "x");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("no API key");
    }

    @Test
    void networkErrorsExitFourAndTheKeyIsNeverPrinted() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String key = "sk-do-never-printed-42";

        Run run = java("get", "a-request-id", "--base-url", "http://127.0.0.1:" + port, "--api-key", key);

        assertThat(run.code).isEqualTo(4);
        assertThat(run.err).contains("request_id: a-request-id");
        assertThat(run.out + run.err).doesNotContain(key);
    }

    @Test
    void helpListsTheCommands() throws Exception {
        Run run = java("--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("run", "submit", "get", "watch");
    }

    // ------------------------------------------------------------------ the simulator command

    /** A running {@code async-invoke simulator} process and what it printed on stdout. */
    static final class Served implements AutoCloseable {
        final Process process;
        final Path err;
        final JsonNode where;

        Served(Process process, Path err, JsonNode where) {
            this.process = process;
            this.err = err;
            this.where = where;
        }

        String baseUrl() {
            return where.get("base_url").asText();
        }

        String apiKey() {
            return where.get("api_key").asText();
        }

        /** Stops it as a service manager does (SIGTERM) and returns its exit code. */
        int stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the simulator stops promptly on SIGTERM").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Served simulator(String... args) throws Exception {
        List<String> command = CliJar.command(List.of(), "simulator");
        command.addAll(List.of(args));
        Path err = Files.createTempFile(tmp, "simulator-stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectError(err.toFile());
        builder.environment().remove("MODEL_ACCESS_KEY");
        Process process = builder.start();
        process.getOutputStream().close();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("the simulator printed nothing within 60 s; stderr: " + Files.readString(err));
        }
        assertThat(line).as("stdout; stderr: %s", Files.readString(err)).isNotNull();
        return new Served(process, err, new ObjectMapper().readTree(line));
    }

    @Test
    void aStandaloneSimulatorServesSubmitGetAndWatchFromOtherProcesses() throws Exception {
        int code;
        String stderr;
        try (Served sim = simulator("--port", "0", "--queued", "300ms", "--running", "700ms")) {
            assertThat(sim.where.fieldNames()).toIterable().containsExactly("base_url", "api_key", "media_base_url");
            assertThat(sim.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(sim.where.get("media_base_url").asText()).startsWith("http://localhost:");
            assertThat(sim.apiKey()).isEqualTo("sk-do-simulator");
            String[] target = {"--base-url", sim.baseUrl(), "--api-key", sim.apiKey()};

            Run submitted = java(with(target, "submit", "--prompt", "a lighthouse at dusk"));
            assertThat(submitted.code).as(submitted.err).isZero();
            JsonNode accepted = new ObjectMapper().readTree(submitted.out);
            String id = accepted.get("request_id").asText();
            assertThat(accepted.get("status").asText()).isEqualTo("QUEUED");

            Run got = java(with(target, "get", id));
            assertThat(got.code).as(got.err).isZero();
            assertThat(new ObjectMapper().readTree(got.out).get("request_id").asText()).isEqualTo(id);

            Run watched = java(with(target, "watch", id, "--out", "later/"));
            assertThat(watched.code).as(watched.err).isZero();
            JsonNode job = new ObjectMapper().readTree(watched.out);
            assertThat(job.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(watched.err).contains("COMPLETED").contains("saved later/0.png");
            assertThat(ImageIO.read(tmp.resolve("later/0.png").toFile())).isNotNull();
            for (Run run : List.of(submitted, got, watched)) {
                assertThat(run.out + run.err).as("the CLI prints no key, not even the simulator's")
                        .doesNotContain(sim.apiKey());
            }

            Run unknown = java(with(target, "watch", "0c0e6a8e-3f7b-4a55-9d0e-1f1b8a0f3e21"));
            assertThat(unknown.code).isEqualTo(4);
            assertThat(unknown.err).contains("404").doesNotContain("async-invoke watch");

            code = sim.stop();
            stderr = Files.readString(sim.err);
        }
        // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran (130 after Ctrl-C)
        assertThat(code).isEqualTo(143);
        assertThat(stderr).contains("Use it with: --base-url http://127.0.0.1:").contains("--api-key sk-do-simulator")
                .contains("Ctrl-C stops it").contains("simulator stopped").doesNotContain("Exception");
    }

    @Test
    void runAndWatchWorkAgainstAServiceWithoutTheStatusCall() throws Exception {
        try (Served sim = simulator("--port", "0", "--no-status-endpoint", "--queued", "200ms", "--running", "300ms")) {
            String[] target = {"--base-url", sim.baseUrl(), "--api-key", sim.apiKey()};

            Run ran = java(with(target, "run", "--prompt", "x", "--out", "ran/"));
            Run submitted = java(with(target, "submit", "--prompt", "y"));
            String id = new ObjectMapper().readTree(submitted.out).get("request_id").asText();
            Run watched = java(with(target, "watch", id, "--out", "watched/"));

            assertThat(ran.code).as(ran.err).isZero();
            assertThat(new ObjectMapper().readTree(ran.out).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(watched.code).as(watched.err).isZero();
            assertThat(watched.err).contains("COMPLETED").contains("saved watched/0.png").doesNotContain("404");
            assertThat(sim.stop()).isEqualTo(143);
        }
    }

    @Test
    void theSimulatorsOptionsReachIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Served sim = simulator("--port", "0", "--api-key", "my-dev-key-123", "--no-status-endpoint",
                "--rate-limit", "3/min", "--rate-limit-headers", "x-ratelimit")) {
            assertThat(sim.apiKey()).isEqualTo("my-dev-key-123");
            String[] target = {"--base-url", sim.baseUrl(), "--api-key", sim.apiKey()};

            Run submitted = java(with(target, "submit", "--prompt", "x"));
            assertThat(submitted.code).as(submitted.err).isZero();
            String id = new ObjectMapper().readTree(submitted.out).get("request_id").asText();
            Run got = java(with(target, "get", id));
            assertThat(got.code).as(got.err).isZero();

            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create(sim.baseUrl() + "/v1/async-invoke/" + id + "/status"))
                    .header("Authorization", "Bearer " + sim.apiKey()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).as("--no-status-endpoint").isEqualTo(404);
            assertThat(status.headers().firstValue("ratelimit-limit")).isEmpty();
            assertThat(status.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            HttpResponse<String> limited = http.send(HttpRequest.newBuilder(
                    URI.create(sim.baseUrl() + "/v1/async-invoke/" + id))
                    .header("Authorization", "Bearer " + sim.apiKey()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(limited.statusCode()).as("the fourth request within a minute").isEqualTo(429);

            // a second simulator on the same port cannot listen: exit 4, a clear message
            int port = URI.create(sim.baseUrl()).getPort();
            Run busy = java("simulator", "--port", String.valueOf(port));
            assertThat(busy.code).isEqualTo(4);
            assertThat(busy.out).isEmpty();
            assertThat(busy.err).startsWith("error: cannot listen on 127.0.0.1:" + port + ": ")
                    .contains("--port 0").doesNotContain("Exception");

            assertThat(sim.stop()).isEqualTo(143);
        }
    }

    @Test
    void badSimulatorOptionsExitTwo() throws Exception {
        Run run = java("simulator", "--rate-limit", "sixty");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("'sixty' is not a rate limit");
    }

    /**
     * An API whose job {@code job-1} completed with one image, served from the same host by a body
     * that never ends: a download that only a deadline or a signal stops.
     */
    private static Simulator endlessMediaService() {
        byte[] chunk = new byte[16 * 1024];
        return Simulator.builder().dispatcher(request -> switch (request.rawPath()) {
            case "/v1/async-invoke/job-1" -> Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"COMPLETED\","
                    + "\"model_id\":\"m\",\"output\":{\"images\":[{\"url\":\"http://" + request.header("host")
                    + "/media/slow.png\",\"content_type\":\"image/png\"}]}}");
            case "/media/slow.png" -> Answer.endless(200, "image/png", chunk, Duration.ofMillis(5));
            default -> Answer.status(404);
        }).start();
    }

    private List<Path> partFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @Test
    void theTimeoutCoversTheDownloadsAndLeavesNoPartFile() throws Exception {
        try (Simulator api = endlessMediaService()) {
            long start = System.nanoTime();
            Run run = java("watch", "job-1", "--out", "files/", "--timeout", "3s",
                    "--base-url", "http://127.0.0.1:" + api.port(), "--api-key", "sk-do-endless-test");

            assertThat(run.code).as(run.err).isEqualTo(4);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the command ends near its --timeout")
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(run.err).contains("were not all saved within --timeout 3s")
                    .contains("save its files again with: async-invoke watch job-1 --out DIR");
            assertThat(new ObjectMapper().readTree(run.out).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(partFiles(tmp.resolve("files"))).isEmpty();
        }
    }

    @Test
    void stoppingTheCommandMidDownloadLeavesNoPartFile() throws Exception {
        Simulator api = endlessMediaService();
        Path files = tmp.resolve("stopped");
        Process process = new ProcessBuilder(CliJar.command(List.of(), "watch", "job-1", "--out", files.toString(),
                "--base-url", "http://127.0.0.1:" + api.port(), "--api-key", "sk-do-endless-test"))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("stopped.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partFiles(files).isEmpty() && System.nanoTime() < deadline && process.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(partFiles(files)).as("the download is under way").hasSize(1);

            process.destroy(); // SIGTERM, as Ctrl-C is SIGINT: the JVM runs its shutdown hooks for both
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(partFiles(files)).as("the part file went with the process").isEmpty();
        } finally {
            process.destroyForcibly();
            api.close();
        }
    }

    private static String[] with(String[] target, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(target));
        return all.toArray(new String[0]);
    }
}
