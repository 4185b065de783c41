package io.asyncinvoke.spring.ai;

import static io.asyncinvoke.spring.ai.SimulatorSupport.lastSubmit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.simulator.Simulator;
import io.asyncinvoke.spring.ai.autoconfigure.AsyncInvokeImageModelAutoConfiguration;
import io.asyncinvoke.spring.ai.autoconfigure.AsyncInvokeSpeechModelAutoConfiguration;
import io.asyncinvoke.spring.boot.AsyncInvokeAutoConfiguration;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

/** The two beans as an application gets them: the starter's client, Spring AI's selection properties. */
class AsyncInvokeSpringAiAutoConfigurationTest {

    private Simulator sim;
    private ApplicationContextRunner runner;

    @BeforeEach
    void start() {
        sim = SimulatorSupport.start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                        AsyncInvokeImageModelAutoConfiguration.class, AsyncInvokeSpeechModelAutoConfiguration.class))
                .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                        "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms",
                        "async-invoke.polling.backoff-factor=1.0");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void theBeansProduceAnImageUrlAndAudioBytes() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ImageModel.class).hasSingleBean(TextToSpeechModel.class);

            ImageResponse image = context.getBean(ImageModel.class).call(new ImagePrompt("a lighthouse"));
            assertThat(image.getResult().getOutput().getUrl()).startsWith(sim.mediaBaseUrl()).endsWith(".png");

            byte[] audio = context.getBean(TextToSpeechModel.class).call("Hello there");
            assertThat(audio).isNotEmpty();
            assertThat(sim.journal().requests(io.asyncinvoke.simulator.Endpoint.MEDIA))
                    .allSatisfy(r -> assertThat(r.authorizationPresent()).isFalse());
        });
    }

    @Test
    void theModelsUseTheStartersClient() {
        runner.run(context -> {
            AsyncInvokeAsyncClient client = context.getBean(AsyncInvokeAsyncClient.class);
            assertThat(context.getBean(AsyncInvokeImageModel.class)).extracting("client").isSameAs(client);
            assertThat(context.getBean(AsyncInvokeTextToSpeechModel.class)).extracting("client").isSameAs(client);
        });
    }

    @Test
    void theDefaultsComeFromSpringAiAsyncInvokeProperties() {
        runner.withPropertyValues("spring.ai.async-invoke.image.model=fal-ai/flux/dev",
                        "spring.ai.async-invoke.image.n=2", "spring.ai.async-invoke.image.width=1024",
                        "spring.ai.async-invoke.image.height=576", "spring.ai.async-invoke.image.num-inference-steps=6",
                        "spring.ai.async-invoke.image.seed=11", "spring.ai.async-invoke.image.max-bytes=1MB",
                        "spring.ai.async-invoke.speech.model=fal-ai/elevenlabs/tts/turbo-v2.5",
                        "spring.ai.async-invoke.speech.voice=Rachel", "spring.ai.async-invoke.speech.speed=1.2")
                .run(context -> {
                    context.getBean(ImageModel.class).call(new ImagePrompt("x"));
                    var image = lastSubmit(sim);
                    assertThat(image.get("model_id").asText()).isEqualTo("fal-ai/flux/dev");
                    assertThat(image.get("input").get("num_images").asInt()).isEqualTo(2);
                    assertThat(image.get("input").get("image_size").asText()).isEqualTo("landscape_16_9");
                    assertThat(image.get("input").get("num_inference_steps").asInt()).isEqualTo(6);
                    assertThat(image.get("input").get("seed").asLong()).isEqualTo(11);

                    context.getBean(TextToSpeechModel.class).call(new TextToSpeechPrompt("Hello"));
                    var speech = lastSubmit(sim);
                    assertThat(speech.get("model_id").asText()).isEqualTo("fal-ai/elevenlabs/tts/turbo-v2.5");
                    assertThat(speech.get("input").get("voice").asText()).isEqualTo("Rachel");
                    assertThat(speech.get("input").get("speed").asDouble()).isEqualTo(1.2);
                });
    }

    @Test
    void springAisSelectionPropertiesChooseTheProvider() {
        runner.withPropertyValues("spring.ai.model.image=openai", "spring.ai.model.audio.speech=elevenlabs")
                .run(context -> assertThat(context).doesNotHaveBean(ImageModel.class)
                        .doesNotHaveBean(TextToSpeechModel.class));
        runner.withPropertyValues("spring.ai.model.image=async-invoke", "spring.ai.model.audio.speech=none")
                .run(context -> assertThat(context).hasSingleBean(ImageModel.class)
                        .doesNotHaveBean(TextToSpeechModel.class));
    }

    @Test
    void aFailedJobThroughTheAutoConfiguredModel() {
        sim.failNextJobs(1, "the model is overloaded");
        runner.run(context -> assertThatThrownBy(() -> context.getBean(ImageModel.class).call(new ImagePrompt("x")))
                .isInstanceOfSatisfying(JobFailedAiException.class, e -> {
                    assertThat(e).isInstanceOf(NonTransientAiException.class);
                    assertThat(e.errorMessage()).contains("the model is overloaded");
                    assertThat(e.requestId()).isNotBlank();
                }));
    }

    @Test
    void withoutAKeyStartupFailsNamingWhatToSet() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                        AsyncInvokeImageModelAutoConfiguration.class))
                .withPropertyValues("MODEL_ACCESS_KEY=")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("async-invoke.api-key", "MODEL_ACCESS_KEY");
                });
        // an application that chose another provider starts without a key
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                        AsyncInvokeImageModelAutoConfiguration.class, AsyncInvokeSpeechModelAutoConfiguration.class))
                .withPropertyValues("MODEL_ACCESS_KEY=", "spring.ai.model.image=openai",
                        "spring.ai.model.audio.speech=openai")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void bothAutoConfigurationsAreListedWithMetadata() throws Exception {
        String imports;
        try (InputStream in = getClass().getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            imports = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(imports.lines()).contains(AsyncInvokeImageModelAutoConfiguration.class.getName(),
                AsyncInvokeSpeechModelAutoConfiguration.class.getName());
        String metadata;
        try (InputStream in = AsyncInvokeImageModelAutoConfiguration.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("spring.ai.async-invoke.image.model", "spring.ai.async-invoke.image.max-bytes",
                "spring.ai.async-invoke.speech.voice", "spring.ai.async-invoke.speech.max-bytes");
    }

    private static FailureAnalysis analyze(Throwable failure) {
        ArgumentResolver arguments = ArgumentResolver.of(org.springframework.core.env.Environment.class,
                new StandardEnvironment());
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, arguments, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }))) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null && analysis.getDescription().contains("async-invoke")) {
                return analysis;
            }
        }
        return null;
    }
}
