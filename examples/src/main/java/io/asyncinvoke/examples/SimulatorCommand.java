package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.DurationFormat;
import io.asyncinvoke.simulator.RateLimitHeaders;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code simulator}: the service's simulator as a process of its own, so that jobs outlive the
 * command that submitted them ({@code submit} now, {@code watch} later, from other processes) and
 * applications can be developed against it. It prints where it listens as one JSON line on stdout,
 * says how to use it on stderr, and serves until it is stopped (Ctrl-C or SIGTERM), when a
 * shutdown hook closes its listeners; the exit status is then the JVM's for that signal, 130 or 143.
 */
@Command(name = "simulator", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run a simulator of the service on 127.0.0.1 until stopped (Ctrl-C or SIGTERM), "
                + "for the other commands (--base-url ... --api-key ...) or an application in development.",
                "Prints {\"base_url\", \"api_key\", \"media_base_url\"} as one JSON line on stdout; the key is the "
                        + "simulator's own, never your " + AsyncInvokeDefaults.API_KEY_ENV + ".",
                "Exits 2 on a bad option, 4 when it cannot listen (port in use), 130 or 143 when stopped by "
                        + "Ctrl-C or SIGTERM."})
final class SimulatorCommand implements Callable<Integer> {

    static final int DEFAULT_PORT = 8089;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "The API's port on 127.0.0.1; 0 for any free port (default: ${DEFAULT-VALUE}). "
                    + "Media files are served on another free port.")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = Simulator.DEFAULT_API_KEY,
            description = "The key it accepts: at least 8 characters, no spaces (default: ${DEFAULT-VALUE}).")
    String apiKey;

    @Option(names = "--queued", paramLabel = "DURATION", defaultValue = "400ms",
            converter = DurationConverter.NonNegative.class,
            description = "How long each job is QUEUED (default: ${DEFAULT-VALUE}).")
    Duration queued;

    @Option(names = "--running", paramLabel = "DURATION", defaultValue = "1.2s",
            converter = DurationConverter.NonNegative.class,
            description = "How long each job runs (default: ${DEFAULT-VALUE}).")
    Duration running;

    @Option(names = "--rate-limit", paramLabel = "N/WINDOW", converter = RateLimitConverter.class,
            description = "Answer 429 beyond N requests in any window: N/s, N/min, N/h or N/DURATION, "
                    + "e.g. 60/min or 100/90s (default: no limit).")
    RateLimit rateLimit;

    @Option(names = "--no-status-endpoint",
            description = "Serve no GET /v1/async-invoke/{id}/status (it answers 404), like a service without it.")
    boolean noStatusEndpoint;

    @Option(names = "--rate-limit-headers", paramLabel = "FAMILY", defaultValue = "ratelimit",
            converter = HeadersConverter.class,
            description = "Rate-limit headers on every answer: ratelimit, x-ratelimit, both or none "
                    + "(default: ${DEFAULT-VALUE}).")
    RateLimitHeaders rateLimitHeaders;

    @ParentCommand
    AsyncInvokeCli cli;

    /** A sliding-window limit: {@code limit} requests in any {@code window}. */
    record RateLimit(int limit, Duration window) {
    }

    @Override
    public Integer call() throws InterruptedException {
        Context context = cli.context();
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        if (apiKey.length() < AsyncInvokeDefaults.MIN_API_KEY_LENGTH
                || apiKey.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            // the client refuses such a key, so the simulator must not accept one
            throw new ParameterException(spec.commandLine(),
                    "--api-key must be at least " + AsyncInvokeDefaults.MIN_API_KEY_LENGTH
                            + " characters without spaces or control characters");
        }
        Simulator.Builder builder = Simulator.builder()
                .port(port)
                .apiKey(apiKey)
                .queuedFor(queued)
                .runningFor(running)
                .statusEndpoint(!noStatusEndpoint)
                .rateLimitHeaders(rateLimitHeaders)
                // it may run for days: counters only, no journal growing with every request
                .journal(false);
        if (rateLimit != null) {
            builder.rateLimit(rateLimit.limit(), rateLimit.window());
        }
        Simulator simulator;
        try {
            simulator = builder.start();
        } catch (RuntimeException e) {
            throw CommandFailure.of("cannot listen on 127.0.0.1:" + port + ": " + reason(e)
                    + (port == 0 ? "" : " (choose another --port, or --port 0 for any free one)"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            context.err().println("simulator stopped");
            context.err().flush();
            stopped.countDown();
        }, "async-invoke-simulator-stop"));

        Map<String, String> where = new LinkedHashMap<>();
        where.put("base_url", simulator.baseUrl());
        where.put("api_key", simulator.apiKey());
        where.put("media_base_url", simulator.mediaBaseUrl());
        // the simulator's own key is no secret of the user's: printed as it is
        JsonOut.lines(context.out(), Redaction.NONE).write(where);
        context.err().println("async-invoke simulator on " + simulator.baseUrl() + " (media files on "
                + simulator.mediaBaseUrl() + "), jobs QUEUED " + DurationFormat.format(queued) + " then IN_PROGRESS "
                + DurationFormat.format(running)
                + (rateLimit == null ? "" : ", at most " + rateLimit.limit() + " requests per "
                        + DurationFormat.format(rateLimit.window()))
                + (noStatusEndpoint ? ", without the /status endpoint" : "") + ".");
        context.err().println("Use it with: --base-url " + simulator.baseUrl() + " --api-key " + simulator.apiKey()
                + "   (Spring Boot: async-invoke.endpoint=" + simulator.baseUrl() + " async-invoke.api-key="
                + simulator.apiKey() + ")");
        context.err().println("Ctrl-C stops it.");
        context.err().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** {@code 60/min}, {@code 10/s}, {@code 1000/h}, {@code 100/90s}. */
    static final class RateLimitConverter implements ITypeConverter<RateLimit> {
        @Override
        public RateLimit convert(String value) {
            int slash = value.indexOf('/');
            if (slash < 1) {
                throw refused(value);
            }
            int limit;
            try {
                limit = Integer.parseInt(value.substring(0, slash).strip());
            } catch (NumberFormatException e) {
                throw refused(value);
            }
            if (limit < 1) {
                throw new TypeConversionException("'" + value + "': the number of requests must be at least 1");
            }
            String unit = value.substring(slash + 1).strip().toLowerCase(Locale.ROOT);
            Duration window;
            switch (unit) {
                case "s":
                case "sec":
                case "second":
                    window = Duration.ofSeconds(1);
                    break;
                case "m":
                case "min":
                case "minute":
                    window = Duration.ofMinutes(1);
                    break;
                case "h":
                case "hour":
                    window = Duration.ofHours(1);
                    break;
                default:
                    window = unit.isEmpty() ? null : DurationConverter.parse(unit);
            }
            if (window == null) {
                throw refused(value);
            }
            if (window.isZero() || window.isNegative()) {
                throw new TypeConversionException("'" + value + "': the window must be positive");
            }
            return new RateLimit(limit, window);
        }

        private static TypeConversionException refused(String value) {
            return new TypeConversionException("'" + value + "' is not a rate limit: use N/s, N/min, N/h or "
                    + "N/DURATION, e.g. 60/min or 100/90s");
        }
    }

    /** {@code ratelimit}, {@code x-ratelimit}, {@code both}, {@code none}. */
    static final class HeadersConverter implements ITypeConverter<RateLimitHeaders> {
        @Override
        public RateLimitHeaders convert(String value) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "ratelimit":
                    return RateLimitHeaders.RATELIMIT;
                case "x-ratelimit":
                    return RateLimitHeaders.X_RATELIMIT_REQUESTS;
                case "both":
                    return RateLimitHeaders.BOTH;
                case "none":
                    return RateLimitHeaders.NONE;
                default:
                    throw new TypeConversionException("'" + value + "' is not one of ratelimit, x-ratelimit, both, none");
            }
        }
    }
}
