package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Configuration;

/** A value the library refuses fails startup with a few lines naming the property, not a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyFailureAnalyzerTest {

    private static final String KEY = "sk-do-test-key-0123456789";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class))
            .withPropertyValues("async-invoke.api-key=" + KEY);

    private FailureAnalysis analysisOf(String setting) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).as(setting).hasFailed();
            analysis[0] = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("an analysis of %s", setting).isNotNull();
        return analysis[0];
    }

    @Test
    void aJitterOutOfRangeNamesThePropertyTheValueAndTheRange() {
        FailureAnalysis analysis = analysisOf("async-invoke.polling.jitter=1.5");

        assertThat(analysis.getDescription()).isEqualTo("The property async-invoke.polling.jitter is set to '1.5', "
                + "which the async-invoke client refuses: jitter must be between 0.0 and 1.0, was 1.5.");
        assertThat(analysis.getAction()).isEqualTo(
                "Set async-invoke.polling.jitter to a number between 0.0 and 1.0, or remove it to use the default.");
        assertThat(analysis.getCause()).isInstanceOf(InvalidAsyncInvokePropertyException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "async-invoke.polling.jitter=-0.1            | async-invoke.polling.jitter            | -0.1  | between 0.0 and 1.0",
            "async-invoke.polling.timeout=-5s            | async-invoke.polling.timeout           | -5s   | a positive duration",
            "async-invoke.polling.timeout=0s             | async-invoke.polling.timeout           | 0s    | a positive duration",
            "async-invoke.polling.first-delay=-1s        | async-invoke.polling.first-delay       | -1s   | zero or more",
            "async-invoke.polling.interval=0ms           | async-invoke.polling.interval          | 0s    | a positive duration",
            "async-invoke.polling.backoff-factor=0.5     | async-invoke.polling.backoff-factor    | 0.5   | 1.0 or more",
            "async-invoke.polling.max-interval=-2m       | async-invoke.polling.max-interval      | -2m   | a positive duration",
            "async-invoke.retry.max-attempts=0           | async-invoke.retry.max-attempts        | 0     | 1 or more",
            "async-invoke.retry.min-backoff=10s          | async-invoke.retry.min-backoff         | 10s   | at most async-invoke.retry.max-backoff (8s)",
            "async-invoke.retry.max-backoff=100ms        | async-invoke.retry.max-backoff         | 100ms | at least async-invoke.retry.min-backoff (250ms)",
            "async-invoke.retry.min-backoff=-1s          | async-invoke.retry.min-backoff         | -1s   | a positive duration",
            "async-invoke.retry.jitter=2                 | async-invoke.retry.jitter              | 2.0   | between 0.0 and 1.0",
            "async-invoke.retry.max-server-delay=-1s     | async-invoke.retry.max-server-delay    | -1s   | zero or more",
            "async-invoke.budget.per-minute=1            | async-invoke.budget.per-minute         | 1     | 2 or more",
            "async-invoke.budget.per-hour=0              | async-invoke.budget.per-hour           | 0     | 2 or more",
            "async-invoke.budget.burst=0.9               | async-invoke.budget.burst              | 0.9   | above 0.0 and at most 0.5",
            "async-invoke.budget.burst=0                 | async-invoke.budget.burst              | 0.0   | above 0.0 and at most 0.5",
            "async-invoke.connect-timeout=0s             | async-invoke.connect-timeout           | 0s    | a positive duration",
            "async-invoke.response-timeout=-1s           | async-invoke.response-timeout          | -1s   | a positive duration",
            "async-invoke.user-agent-suffix=bad\u0001agent | async-invoke.user-agent-suffix       | bad\\u0001agent | without control characters"})
    void everyRefusedValueNamesItsPropertyValueAndWhatIsAllowed(String setting, String property, String value,
            String allowed) {
        FailureAnalysis analysis = analysisOf(setting);

        assertThat(analysis.getDescription()).startsWith("The property " + property + " is set to '" + value + "'");
        assertThat(analysis.getAction()).startsWith("Set " + property + " to ").contains(allowed);
    }

    @Test
    void otherFailuresAreLeftToOtherAnalyzers() {
        assertThat(new InvalidPropertyFailureAnalyzer().analyze(new IllegalArgumentException("jitter"))).isNull();
    }

    @Test
    void startupReportsThePropertyInAFewLinesWithoutAStackTrace(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(org.springframework.boot.Banner.Mode.OFF);

        assertThatThrownBy(() -> application.run("--async-invoke.api-key=" + KEY, "--async-invoke.polling.jitter=1.5",
                "--spring.main.log-startup-info=false"))
                .hasRootCauseMessage("jitter must be between 0.0 and 1.0, was 1.5");

        String report = output.getAll();
        assertThat(report).contains("APPLICATION FAILED TO START", "async-invoke.polling.jitter", "'1.5'",
                "between 0.0 and 1.0");
        assertThat(report).as("no stack trace").doesNotContain("\tat ", "Caused by");
        assertThat(report.lines().filter(line -> !line.isBlank()).count()).as(report).isLessThan(15);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(AsyncInvokeAutoConfiguration.class)
    static class App {
    }
}
