package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.AsyncInvokeClientBuilder;

/**
 * Adjusts the auto-configured {@link AsyncInvokeClientBuilder} after the {@code async-invoke.*}
 * properties were applied, e.g. to give it an application's Reactor Netty {@code HttpClient}.
 * Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface AsyncInvokeClientBuilderCustomizer {

    /** Changes {@code builder} in place. */
    void customize(AsyncInvokeClientBuilder builder);
}
