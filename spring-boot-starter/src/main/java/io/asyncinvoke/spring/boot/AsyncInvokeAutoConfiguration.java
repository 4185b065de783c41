package io.asyncinvoke.spring.boot;

import static io.asyncinvoke.spring.boot.PropertyChecks.set;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Scope;
import org.springframework.core.env.Environment;

/**
 * Registers {@link AsyncInvokeAsyncClient} and the blocking {@link AsyncInvokeClient} from the
 * {@code async-invoke.*} properties ({@link AsyncInvokeProperties}).
 *
 * <ul>
 *   <li>An application's own bean of either type wins; the blocking client then wraps the
 *       application's reactive one.</li>
 *   <li>Without an API key ({@code async-invoke.api-key}, else {@code MODEL_ACCESS_KEY}) no client
 *       is registered, so an application that does not use it still starts; one that injects it
 *       fails at startup with a message saying which key to set.</li>
 *   <li>Every {@link AsyncInvokeListener} bean (such as the Micrometer one) receives the client's
 *       events; every {@link AsyncInvokeClientBuilderCustomizer} bean adjusts the builder.</li>
 *   <li>The client talks JSON with its own mapper, never the application's ObjectMapper, and
 *       uses Reactor Netty's shared resources (the same that Spring Boot's own Reactor Netty server
 *       and WebClient use by default); a customizer can give it another {@code HttpClient}.</li>
 * </ul>
 *
 * <p>The prototype {@link AsyncInvokeClientBuilder} bean carries all of the above, so an
 * application can build further clients from it, e.g. for another endpoint.
 */
@AutoConfiguration
@ConditionalOnClass(AsyncInvokeAsyncClient.class)
@EnableConfigurationProperties(AsyncInvokeProperties.class)
public class AsyncInvokeAutoConfiguration {

    /** A fresh builder per injection point, configured from the properties, listeners and customizers. */
    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    @ConditionalOnMissingBean
    public AsyncInvokeClientBuilder asyncInvokeClientBuilder(AsyncInvokeProperties properties, Environment environment,
            ObjectProvider<AsyncInvokeListener> listeners, ObjectProvider<AsyncInvokeClientBuilderCustomizer> customizers) {
        AsyncInvokeClientBuilder builder = new AsyncInvokeClientBuilder().endpoint(properties.getEndpoint());
        // each refusal names its property (InvalidPropertyFailureAnalyzer explains it at startup)
        set(builder, "connect-timeout", properties.getConnectTimeout(), PropertyChecks.POSITIVE_DURATION,
                AsyncInvokeClientBuilder::connectTimeout);
        set(builder, "response-timeout", properties.getResponseTimeout(), PropertyChecks.POSITIVE_DURATION,
                AsyncInvokeClientBuilder::responseTimeout);
        set(builder, "user-agent-suffix", properties.getUserAgentSuffix(), "text without control characters",
                AsyncInvokeClientBuilder::userAgentSuffix);
        set(builder, "max-response-bytes", properties.getMaxResponseBytes(), "a number of bytes, 1024 or more",
                AsyncInvokeClientBuilder::maxResponseBytes);
        builder.downloadOptions(properties.getDownload().toOptions());
        builder.pollingOptions(properties.getPolling().toOptions())
                .retryOptions(properties.getRetry().toOptions())
                .requestBudget(properties.getBudget().toOptions())
                .allowInsecureHttp(properties.isAllowInsecureHttp())
                .listener(AsyncInvokeListener.of(listeners.orderedStream().collect(Collectors.toList())));
        ApiKeys.find(environment).ifPresent(builder::apiKey);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    /** The reactive client; only with an API key. */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(OnApiKeyCondition.class)
    public AsyncInvokeAsyncClient asyncInvokeAsyncClient(AsyncInvokeClientBuilder builder) {
        return builder.buildAsyncClient();
    }

    /** The blocking client, over whichever reactive client the context has. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(AsyncInvokeAsyncClient.class)
    public AsyncInvokeClient asyncInvokeClient(AsyncInvokeAsyncClient asyncClient) {
        return new AsyncInvokeClient(asyncClient);
    }
}
