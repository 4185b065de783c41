package io.asyncinvoke.spring.ai.autoconfigure;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.spring.ai.AsyncInvokeTextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link AsyncInvokeTextToSpeechModel} bean, over the application's
 * {@link AsyncInvokeAsyncClient}, with the defaults of {@code spring.ai.async-invoke.speech.*}. On
 * unless {@code spring.ai.model.audio.speech} names another provider.
 */
@AutoConfiguration(afterName = "io.asyncinvoke.spring.boot.AsyncInvokeAutoConfiguration")
@ConditionalOnClass({TextToSpeechModel.class, AsyncInvokeAsyncClient.class})
@ConditionalOnProperty(name = SpringAIModelProperties.AUDIO_SPEECH_MODEL,
        havingValue = AsyncInvokeAiModels.ASYNC_INVOKE, matchIfMissing = true)
@EnableConfigurationProperties(AsyncInvokeSpeechProperties.class)
public class AsyncInvokeSpeechModelAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public AsyncInvokeTextToSpeechModel asyncInvokeTextToSpeechModel(AsyncInvokeAsyncClient client,
            AsyncInvokeSpeechProperties properties) {
        return new AsyncInvokeTextToSpeechModel(client, properties.toOptions(),
                client.downloadOptions().withMaxBytes(properties.getMaxBytes().toBytes()));
    }
}
