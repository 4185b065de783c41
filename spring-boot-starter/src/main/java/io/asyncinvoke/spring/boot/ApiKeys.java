package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Where the starter finds the API key: the property first, then {@code MODEL_ACCESS_KEY}. Both are
 * read through the Spring Environment, so any property source (and a test) can supply them.
 */
final class ApiKeys {

    static final String PROPERTY = "async-invoke.api-key";
    static final String ENVIRONMENT_VARIABLE = AsyncInvokeDefaults.API_KEY_ENV;

    private ApiKeys() {
    }

    /** The key, or empty when neither source has a non-blank value: the rule of {@link AsyncInvokeDefaults#apiKey}. */
    static Optional<String> find(Environment environment) {
        return AsyncInvokeDefaults.apiKey(property(environment).orElse(null), environment::getProperty);
    }

    /** Which source provides the key, for messages that must never show the key itself. */
    static Optional<String> source(Environment environment) {
        if (property(environment).isPresent()) {
            return Optional.of("property " + PROPERTY);
        }
        return variable(environment).map(key -> "environment variable " + ENVIRONMENT_VARIABLE);
    }

    private static Optional<String> property(Environment environment) {
        // The Binder understands every relaxed form, e.g. ASYNC_INVOKE_APIKEY in the environment.
        return Optional.ofNullable(Binder.get(environment).bind(PROPERTY, String.class).orElse(null))
                .filter(value -> !value.isBlank());
    }

    private static Optional<String> variable(Environment environment) {
        return AsyncInvokeDefaults.apiKey(null, environment::getProperty);
    }
}
