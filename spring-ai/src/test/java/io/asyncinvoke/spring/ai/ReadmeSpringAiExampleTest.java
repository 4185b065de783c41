package io.asyncinvoke.spring.ai;

import static io.asyncinvoke.spring.ai.SimulatorSupport.lastSubmit;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.simulator.Simulator;
import io.asyncinvoke.spring.ai.autoconfigure.AsyncInvokeImageModelAutoConfiguration;
import io.asyncinvoke.spring.ai.autoconfigure.AsyncInvokeSpeechModelAutoConfiguration;
import io.asyncinvoke.spring.boot.AsyncInvokeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.stereotype.Service;

/** The README's "Spring AI" example, verbatim, as an application gets its beans. */
class ReadmeSpringAiExampleTest {

    @Service
    static class Illustrator {
        private final ImageModel images;           // an AsyncInvokeImageModel
        private final TextToSpeechModel speech;    // an AsyncInvokeTextToSpeechModel

        Illustrator(ImageModel images, TextToSpeechModel speech) {
            this.images = images;
            this.speech = speech;
        }

        // call blocks until the job ends: never on an event loop (see generate below)
        String illustrate(String prompt) {
            ImageResponse response = images.call(new ImagePrompt(prompt,
                    AsyncInvokeImageOptions.builder().width(1024).height(576).numInferenceSteps(4).build()));
            return response.getResult().getOutput().getUrl();
        }

        byte[] read(String text) {                 // the audio, downloaded without the API key
            return speech.call(new TextToSpeechPrompt(text, AsyncInvokeSpeechOptions.builder().voice("Rachel").build()))
                    .getResult().getOutput();
        }
    }

    @Test
    void theIllustratorGetsAnImageUrlAndAudioBytes() throws Exception {
        try (Simulator sim = SimulatorSupport.start()) {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class,
                            AsyncInvokeImageModelAutoConfiguration.class, AsyncInvokeSpeechModelAutoConfiguration.class))
                    .withPropertyValues("async-invoke.endpoint=" + sim.baseUrl(), "async-invoke.api-key=" + sim.apiKey(),
                            "async-invoke.polling.first-delay=20ms", "async-invoke.polling.interval=20ms",
                            "async-invoke.polling.backoff-factor=1.0")
                    .withBean(Illustrator.class)
                    .run(context -> {
                        Illustrator illustrator = context.getBean(Illustrator.class);

                        assertThat(illustrator.illustrate("a lighthouse at dusk")).startsWith(sim.mediaBaseUrl());
                        var input = lastSubmit(sim).get("input");
                        assertThat(input.get("image_size").asText()).isEqualTo("landscape_16_9");
                        assertThat(input.get("num_inference_steps").asInt()).isEqualTo(4);

                        assertThat(illustrator.read("Hello there")).isNotEmpty();
                        assertThat(lastSubmit(sim).get("input").get("voice").asText()).isEqualTo("Rachel");
                    });
        }
    }
}
