package io.asyncinvoke.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The parts a command is made of, alone: what a {@code batch} of jobs will reuse. */
class CliPartsTest {

    private static final String KEY = "sk-do-parts-test-0123";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Job job(String id, JobState status, String error) {
        return new Job().requestId(id).status(status).modelId("m").error(error);
    }

    @Test
    void jsonLinesAreOneCompactEscapedObjectPerLineWithoutTheKey() throws Exception {
        JsonOut lines = JsonOut.lines(stream, Redaction.of(name -> null, "--api-key", KEY));
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("request_id", "a");
        first.put("error", "bad key " + KEY + "\n\u001b[2J\u202e");

        lines.write(first);
        lines.write(job("b", JobState.COMPLETED, null));

        List<String> written = written().lines().toList();
        assertThat(written).hasSize(2);
        assertThat(written.get(0)).isEqualTo("{\"request_id\":\"a\",\"error\":\"bad key [REDACTED]\\n\\u001B[2J\\u202e\"}");
        assertThat(new ObjectMapper().readTree(written.get(1)).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(written.get(1)).doesNotContain("requestId");
    }

    @Test
    void prettyJsonIsOneObjectOverSeveralLines() throws Exception {
        JsonOut.pretty(stream, Redaction.NONE).write(job("c", JobState.QUEUED, null));

        assertThat(written().lines().count()).isGreaterThan(2);
        assertThat(new ObjectMapper().readTree(written()).get("request_id").asText()).isEqualTo("c");
    }

    @Test
    void theKeysRedactedAreTheEnvironmentsAndAnyGiven() {
        Redaction redaction = Redaction.of(name -> name.equals("MODEL_ACCESS_KEY") ? "sk-do-from-env-1" : null,
                "get", "x", "--api-key=" + KEY);

        assertThat(redaction.apply("a sk-do-from-env-1 b " + KEY)).isEqualTo("a [REDACTED] b [REDACTED]");
        assertThat(Redaction.of(name -> "  ").apply("  ")).as("a blank variable is no key").isEqualTo("  ");
        assertThat(Redaction.NONE.apply(KEY)).isEqualTo(KEY);
    }

    @Test
    void theExitCodeComesFromWhatWentWrong() {
        ExitCodes codes = new ExitCodes();

        assertThat(codes.getExitCode(new IllegalArgumentException("bad input"))).isEqualTo(ExitCodes.USAGE);
        assertThat(codes.getExitCode(CommandFailure.about("id", new IllegalArgumentException("bad id"))))
                .as("refused by the client before sending").isEqualTo(ExitCodes.USAGE);
        assertThat(codes.getExitCode(CommandFailure.jobFailed(job("d", JobState.FAILED, "no")))).isEqualTo(ExitCodes.JOB_FAILED);
        assertThat(codes.getExitCode(CommandFailure.noAnswer(new TimeoutException(), Duration.ofSeconds(1), "e")))
                .isEqualTo(ExitCodes.OTHER_ERROR);
        assertThat(codes.getExitCode(CommandFailure.of("cannot listen"))).isEqualTo(ExitCodes.OTHER_ERROR);
        assertThat(codes.getExitCode(new IllegalStateException("a bug"))).isEqualTo(ExitCodes.OTHER_ERROR);
    }

    @Test
    void aReportNamesTheJobAndWhatCanStillBeDone() {
        ErrorReport report = new ErrorReport(stream, Redaction.NONE);

        report.report(CommandFailure.noAnswer(new TimeoutException(), Duration.ofMillis(1500), "job-1"), "async-invoke get");
        report.report(CommandFailure.filesNotSaved("job-2", new AsyncInvokeException("disk full", null, null)),
                "async-invoke run");
        report.report(CommandFailure.about("job-3", new AsyncInvokeException("refused", null, null)), "async-invoke get");
        report.report(CommandFailure.jobFailed(job("job-4", JobState.FAILED, null)), "async-invoke watch");
        report.report(new IllegalArgumentException("--tag needs KEY=VALUE, got 'a\tb'"), "async-invoke submit");

        assertThat(written().lines()).containsExactly(
                "error: no answer within 1.5s for job job-1",
                "request_id: job-1 (check on it later with: async-invoke watch job-1)",
                "error: disk full",
                "request_id: job-2 (save its files again with: async-invoke watch job-2 --out DIR)",
                "error: refused",
                "request_id: job-3",
                "error: job job-4 failed: the service gave no reason",
                "error: --tag needs KEY=VALUE, got 'a\\u0009b'",
                "Try 'async-invoke submit --help'.");
    }
}
