package io.asyncinvoke.spring.ai.autoconfigure;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.spring.ai.AsyncInvokeImageModel;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link AsyncInvokeImageModel} bean, over the application's {@link AsyncInvokeAsyncClient}
 * (the starter's, from {@code async-invoke.*}), with the defaults of
 * {@code spring.ai.async-invoke.image.*}. On unless {@code spring.ai.model.image} names another
 * provider, as Spring AI's providers are; without a client (no API key) startup fails with the
 * starter's explanation of what to set, as Spring AI's providers fail without their key.
 */
@AutoConfiguration(afterName = "io.asyncinvoke.spring.boot.AsyncInvokeAutoConfiguration")
@ConditionalOnClass({ImageModel.class, AsyncInvokeAsyncClient.class})
@ConditionalOnProperty(name = SpringAIModelProperties.IMAGE_MODEL, havingValue = AsyncInvokeAiModels.ASYNC_INVOKE,
        matchIfMissing = true)
@EnableConfigurationProperties(AsyncInvokeImageProperties.class)
public class AsyncInvokeImageModelAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public AsyncInvokeImageModel asyncInvokeImageModel(AsyncInvokeAsyncClient client, AsyncInvokeImageProperties properties) {
        return new AsyncInvokeImageModel(client, properties.toOptions(),
                client.downloadOptions().withMaxBytes(properties.getMaxBytes().toBytes()));
    }
}
