package io.asyncinvoke.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when an API key is configured; the outcome names its source, never its value. */
class OnApiKeyCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("async-invoke API key");
        return ApiKeys.source(context.getEnvironment())
                .map(source -> ConditionOutcome.match(message.found("key").items(source)))
                .orElseGet(() -> ConditionOutcome.noMatch(message.didNotFind("key").items(
                        "property " + ApiKeys.PROPERTY, "environment variable " + ApiKeys.ENVIRONMENT_VARIABLE)));
    }
}
