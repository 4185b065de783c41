package io.asyncinvoke.client;

import java.util.Optional;
import java.util.function.Function;

/**
 * The defaults every part of this project shares — the client, the Spring Boot starter, the command
 * line, the demo — and the one rule for finding the API key, so that none of them spells either
 * differently.
 */
public final class AsyncInvokeDefaults {

    /** The production endpoint. */
    public static final String ENDPOINT = "https://inference.do-ai.run";

    /** The environment variable the API key is read from when none is given. */
    public static final String API_KEY_ENV = "MODEL_ACCESS_KEY";

    /** The image model used when none is named (the fast one the vendor documents first). */
    public static final String IMAGE_MODEL = "fal-ai/flux/schnell";

    /** The shortest key accepted: real keys are far longer, and a shorter value is a mistake. */
    public static final int MIN_API_KEY_LENGTH = 8;

    /** What stands in place of a secret in every message, log line and {@code toString()}. */
    public static final String REDACTED = "[REDACTED]";

    private AsyncInvokeDefaults() {
    }

    /**
     * The API key: {@code given} when it has text, else the {@value #API_KEY_ENV} variable of
     * {@code environment} when that has text, else empty. Whether the key can be real is checked
     * when a client is built.
     */
    public static Optional<String> apiKey(String given, Function<String, String> environment) {
        if (given != null && !given.isBlank()) {
            return Optional.of(given);
        }
        String fromEnvironment = environment.apply(API_KEY_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? Optional.empty() : Optional.of(fromEnvironment);
    }

    /** {@link #apiKey(String, Function)} from the process environment. */
    public static Optional<String> apiKey(String given) {
        return apiKey(given, System::getenv);
    }
}
