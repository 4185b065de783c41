package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Explains a startup that failed because something needs an async-invoke client while no API key
 * is configured (so the starter registered none). Placed ahead of Spring Boot's generic
 * "no such bean" analysis, and silent in every other case.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MissingApiKeyFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

    private final Environment environment;

    MissingApiKeyFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
        Class<?> type = cause.getResolvableType() == null ? cause.getBeanType()
                : cause.getResolvableType().resolve(cause.getBeanType());
        boolean clientWanted = type == AsyncInvokeAsyncClient.class || type == AsyncInvokeClient.class;
        if (!clientWanted || environment == null || ApiKeys.find(environment).isPresent()) {
            return null;
        }
        return new FailureAnalysis(
                "A component needs an async-invoke client (" + type.getSimpleName() + "), but none was configured:"
                        + " no API key is set, neither the property " + ApiKeys.PROPERTY
                        + " nor the environment variable " + ApiKeys.ENVIRONMENT_VARIABLE + ".",
                "Set " + ApiKeys.PROPERTY + " (e.g. from a secret store) or the " + ApiKeys.ENVIRONMENT_VARIABLE
                        + " environment variable to a model access key or personal access token, or define your own "
                        + AsyncInvokeAsyncClient.class.getSimpleName() + " bean.",
                cause);
    }
}
