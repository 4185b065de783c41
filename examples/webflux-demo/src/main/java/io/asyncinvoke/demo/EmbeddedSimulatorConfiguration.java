package io.asyncinvoke.demo;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.ModelInput;
import io.asyncinvoke.simulator.Simulator;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Runs the demo offline: an in-process simulator of the service, and a client pointed at it. Its
 * client bean takes the place of the starter's, which would need a key.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedSimulatorConfiguration.UseSimulator.class)
class EmbeddedSimulatorConfiguration {

    /** A word that makes the simulator fail a job, to show the FAILED path. */
    static final String FAIL_WORD = "#fail";

    @Bean(destroyMethod = "close")
    Simulator simulator(DemoProperties properties) {
        return Simulator.builder()
                .queuedFor(properties.getSimulator().getQueuedFor())
                .runningFor(properties.getSimulator().getRunningFor())
                .start()
                .failJobsWhere(EmbeddedSimulatorConfiguration::asksToFail,
                        "The model could not process this input (the simulator fails any job that mentions "
                                + FAIL_WORD + ")");
    }

    @Bean
    AsyncInvokeAsyncClient asyncInvokeAsyncClient(AsyncInvokeClientBuilder builder, Simulator simulator) {
        // The starter's builder carries the async-invoke.* properties; only the target changes.
        return builder.endpoint(simulator.baseUrl()).apiKey(simulator.apiKey()).buildAsyncClient();
    }

    private static boolean asksToFail(AsyncInvokeRequest request) {
        ModelInput input = request.getInput();
        String text = (input.getPrompt() == null ? "" : input.getPrompt()) + " " + (input.getText() == null ? "" : input.getText());
        return text.toLowerCase(Locale.ROOT).contains(FAIL_WORD);
    }

    /** {@code demo.simulator.enabled}: true, false, or auto (on when neither a key nor an endpoint is set). */
    static class UseSimulator implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return enabled(context.getEnvironment());
        }

        static boolean enabled(Environment env) {
            String enabled = env.getProperty("demo.simulator.enabled", "auto").trim().toLowerCase(Locale.ROOT);
            if (!enabled.equals("auto")) {
                return Boolean.parseBoolean(enabled);
            }
            Binder binder = Binder.get(env);
            boolean configured = hasText(binder.bind("async-invoke.api-key", String.class).orElse(null))
                    || hasText(binder.bind("async-invoke.endpoint", String.class).orElse(null))
                    || hasText(env.getProperty(AsyncInvokeDefaults.API_KEY_ENV));
            return !configured;
        }

        private static boolean hasText(String value) {
            return value != null && !value.isBlank();
        }
    }
}
