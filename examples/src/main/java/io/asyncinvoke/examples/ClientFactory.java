package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * Where a command sends its requests, with which key, and how long it waits (a picocli mixin of
 * every command that talks to the service), and the client built from that: for the service, or for
 * the embedded simulator, started for the command and stopped with it. Everything is checked before
 * anything is sent, so that exit code 2 always means nothing was.
 */
final class ClientFactory {

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Service endpoint (default: " + AsyncInvokeDefaults.ENDPOINT + ").")
    String baseUrl;

    // No defaultValue: picocli would show it in --help, and this is a secret.
    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Model access key (default: the " + AsyncInvokeDefaults.API_KEY_ENV + " environment variable).")
    String apiKey;

    @Option(names = "--simulator", description = "Run against the embedded simulator, in this process, offline.")
    boolean simulator;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to wait for the job (or the call), e.g. 500ms, 1.5s, 90s, 1m30s, 5m, 1h "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /**
     * Checks these options, then the command's own input ({@code checkInput}), then that there is a
     * key, and connects: to the embedded simulator with {@code --simulator} (or, when
     * {@code simulatorWithoutKey}, with neither {@code --base-url} nor a key, saying so on stderr),
     * else to the service. Close the connection when the command ends.
     *
     * @throws IllegalArgumentException for a usage error or invalid input; nothing was sent
     */
    Connection connect(Context context, boolean simulatorWithoutKey, Runnable checkInput) {
        return connect(context, simulatorWithoutKey, checkInput, builder -> builder);
    }

    /**
     * As {@link #connect(Context, boolean, Runnable)}, with the command's own settings of the client
     * ({@code customize}, called once everything was checked, e.g. {@code batch --redis}).
     */
    Connection connect(Context context, boolean simulatorWithoutKey, Runnable checkInput,
            UnaryOperator<AsyncInvokeClientBuilder> customize) {
        Optional<String> key = AsyncInvokeDefaults.apiKey(apiKey, context.env());
        boolean simulated = simulator || simulatorWithoutKey && baseUrl == null && key.isEmpty();
        if (simulator && baseUrl != null) {
            throw new IllegalArgumentException("--simulator and --base-url exclude each other");
        }
        checkInput.run();
        if (!simulated && key.isEmpty()) {
            throw new IllegalArgumentException("no API key: pass --api-key or set " + AsyncInvokeDefaults.API_KEY_ENV
                    + " (or try --simulator)");
        }
        AsyncInvokeClientBuilder builder = new AsyncInvokeClientBuilder()
                .pollingOptions(PollingOptions.defaults().withTimeout(timeout))
                .userAgentSuffix("async-invoke-cli");
        Simulator embedded = null;
        if (simulated) {
            if (!simulator) {
                context.err().println("No --base-url and no API key (--api-key or " + AsyncInvokeDefaults.API_KEY_ENV
                        + "): using the embedded simulator, offline.");
            }
            embedded = context.simulator().get();
            builder.endpoint(embedded.baseUrl()).apiKey(embedded.apiKey());
        } else {
            builder.apiKey(key.get());
            if (baseUrl != null) {
                builder.endpoint(baseUrl);
            }
        }
        try {
            return new Connection(context, build(customize.apply(builder)), timeout, embedded);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static AsyncInvokeAsyncClient build(AsyncInvokeClientBuilder builder) {
        try {
            return builder.buildAsyncClient();
        } catch (IllegalStateException e) {
            // a setting the client refuses, found before anything was sent: a usage error
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
