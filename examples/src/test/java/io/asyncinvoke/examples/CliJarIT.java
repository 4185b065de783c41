package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run the way a user runs it: {@code java -jar target/async-invoke.jar ...}. */
class CliJarIT {

    private static final Path JAR = Path.of(System.getProperty("cli.jar", "target/async-invoke.jar"));

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private Run java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
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
        assertThat(JAR).exists();

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
}
