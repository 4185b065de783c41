package io.asyncinvoke.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The simulator in a process of its own, set up by system properties. */
class SimulatorLauncherTest {

    @Test
    void theLauncherTakesItsSettingsFromSystemProperties() {
        List<String> names = List.of("port", "queued-ms", "rate-limit", "submit-status", "api-key");
        try {
            System.setProperty(SimulatorLauncher.PREFIX + "queued-ms", "5000");
            System.setProperty(SimulatorLauncher.PREFIX + "rate-limit", "2");
            System.setProperty(SimulatorLauncher.PREFIX + "submit-status", "200");
            System.setProperty(SimulatorLauncher.PREFIX + "api-key", "sk-do-launched");
            try (Simulator sim = SimulatorLauncher.fromSystemProperties().start()) {
                TestHttp http = new TestHttp(sim);
                HttpResponse<String> submitted = http.submit(TestHttp.IMAGE_MODEL, "{\"prompt\":\"p\"}");
                String id = TestHttp.json(submitted).get("request_id").asText();

                assertThat(sim.apiKey()).isEqualTo("sk-do-launched");
                assertThat(submitted.statusCode()).isEqualTo(200);
                assertThat(http.state(id)).isEqualTo("QUEUED");
                assertThat(http.status(id).statusCode()).as("the third request in a minute").isEqualTo(429);
            }
            System.setProperty(SimulatorLauncher.PREFIX + "port", "eighty");
            assertThatThrownBy(SimulatorLauncher::fromSystemProperties).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("asyncinvoke.simulator.port").hasMessageContaining("eighty");
        } finally {
            names.forEach(name -> System.clearProperty(SimulatorLauncher.PREFIX + name));
        }
    }

    @Test
    void aChildJvmPrintsWhereItListensServesAndStopsOnSigterm() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + SimulatorLauncher.PREFIX + "running-ms=0", "-D" + SimulatorLauncher.PREFIX + "queued-ms=0",
                "-cp", System.getProperty("java.class.path"), SimulatorLauncher.class.getName())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("async-invoke simulator: ")) {
                line = out.readLine();
            }
            assertThat(line).as("the line saying where it listens").isNotNull();
            Matcher where = Pattern.compile("async-invoke simulator: (http://127\\.0\\.0\\.1:(\\d+)) \\(key "
                    + Pattern.quote(Simulator.DEFAULT_API_KEY) + "\\), media http://localhost:\\d+").matcher(line);
            assertThat(where.matches()).as(line).isTrue();

            HttpResponse<String> submitted = TestHttp.SHARED.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(where.group(1) + "/v1/async-invoke"))
                    .header("Authorization", "Bearer " + Simulator.DEFAULT_API_KEY)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model_id\":\"fal-ai/flux/schnell\",\"input\":{\"prompt\":\"p\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(submitted.statusCode()).isEqualTo(202);

            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
        }
    }
}
