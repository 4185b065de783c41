package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the batch tests share: an input file, the POSTs the simulator received by prompt, signals to a process. */
final class BatchFixtures {

    static final String MODEL = "fal-ai/flux/schnell";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchFixtures() {
    }

    /** {@code file} with {@code lines} image requests, prompted {@code line 1} to {@code line N}. */
    static Path input(Path file, int lines) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file)) {
            for (int i = 1; i <= lines; i++) {
                writer.write("{\"model_id\": \"" + MODEL + "\", \"input\": {\"prompt\": \"line " + i + "\"}}\n");
            }
        }
        return file;
    }

    /** How many submits the simulator received for each prompt. */
    static Map<String, Long> postsByPrompt(Simulator sim) {
        return sim.journal().requests(Endpoint.SUBMIT).stream().map(RecordedRequest::body).map(body -> {
            try {
                return JSON.readTree(body).path("input").path("prompt").asText();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}, ...) to {@code process}. */
    static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
