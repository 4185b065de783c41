package io.asyncinvoke.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because an {@code async-invoke.*} property has a value the
 * library refuses: which property, which value, what is allowed, in a few lines instead of the
 * stack trace of the bean that could not be created.
 */
class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAsyncInvokePropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidAsyncInvokePropertyException cause) {
        Throwable refusal = cause.getCause();
        return new FailureAnalysis(
                "The property " + cause.property() + " is set to '" + cause.value() + "', which the async-invoke "
                        + "client refuses" + (refusal == null || refusal.getMessage() == null ? "."
                        : ": " + refusal.getMessage() + "."),
                "Set " + cause.property() + " to " + cause.allowed() + ", or remove it to use the default.",
                cause);
    }
}
