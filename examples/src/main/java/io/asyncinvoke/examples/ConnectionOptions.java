package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where to send requests, with which key, and how long to wait: shared by every subcommand. */
final class ConnectionOptions {

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
}
