package io.asyncinvoke.spring.ai;

import static io.asyncinvoke.spring.ai.SimulatorSupport.WAIT;
import static io.asyncinvoke.spring.ai.SimulatorSupport.lastSubmit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.client.DownloadException;
import io.asyncinvoke.client.DownloadOptions;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.audio.tts.TextToSpeechOptions;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.audio.tts.TextToSpeechResponse;
import org.springframework.ai.retry.NonTransientAiException;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The TextToSpeechModel against the simulator: the request, the audio's bytes, streaming, failures. */
class AsyncInvokeTextToSpeechModelTest {

    private Simulator sim;
    private AsyncInvokeTextToSpeechModel model;

    @BeforeEach
    void start() {
        sim = SimulatorSupport.start();
        model = new AsyncInvokeTextToSpeechModel(SimulatorSupport.client(sim));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static boolean isMp3(byte[] audio) {
        return audio.length > 3 && ((audio[0] == 'I' && audio[1] == 'D' && audio[2] == '3')
                || ((audio[0] & 0xff) == 0xff && (audio[1] & 0xe0) == 0xe0));
    }

    private static byte[] fetch(String url) {
        return HttpClient.create().get().uri(url).responseContent().aggregate().asByteArray().block(WAIT);
    }

    @Test
    void callAnswersTheAudioDownloadedWithoutTheKey() throws Exception {
        TextToSpeechResponse response = model.call(new TextToSpeechPrompt("Hello there"));

        JsonNode submit = lastSubmit(sim);
        assertThat(submit.get("model_id").asText()).isEqualTo("fal-ai/elevenlabs/tts/multilingual-v2");
        assertThat(submit.get("input").get("text").asText()).isEqualTo("Hello there");

        byte[] audio = response.getResult().getOutput();
        assertThat(isMp3(audio)).as("an MP3").isTrue();
        String url = response.getMetadata().get("url");
        assertThat(audio).isEqualTo(fetch(url));
        assertThat((Object) response.getMetadata().get("request_id")).isNotNull();
        assertThat((Object) response.getMetadata().get("content_type")).isEqualTo("audio/mpeg");
        assertThat((Object) response.getMetadata().get("file_size")).isEqualTo((long) audio.length);
        assertThat(sim.journal().requests(Endpoint.MEDIA)).hasSize(2)
                .allSatisfy(r -> assertThat(r.authorizationPresent()).isFalse());
        assertThat(model.call("Hi")).as("Spring AI's own shortcut").isNotEmpty();
    }

    @Test
    void voiceAndSpeedGoWhereElevenLabsTakesThem() throws Exception {
        model.call(new TextToSpeechPrompt("Hello", TextToSpeechOptions.builder().voice("Rachel").speed(1.1)
                .format("MP3").build()));

        JsonNode input = lastSubmit(sim).get("input");
        assertThat(input.get("voice").asText()).isEqualTo("Rachel");
        assertThat(input.get("speed").asDouble()).isEqualTo(1.1);
        assertThat(input.has("format") || input.has("output_format")).isFalse();
    }

    @Test
    void optionsMergeOverTheDefaults() throws Exception {
        AsyncInvokeTextToSpeechModel withDefaults = new AsyncInvokeTextToSpeechModel(SimulatorSupport.client(sim),
                AsyncInvokeSpeechOptions.builder().voice("Aria").speed(0.9).input("stability", 0.3).build());

        withDefaults.call(new TextToSpeechPrompt("Hello", AsyncInvokeSpeechOptions.builder().voice("Roger")
                .input("language_code", "en").tag("app", "test").build()));

        JsonNode submit = lastSubmit(sim);
        JsonNode input = submit.get("input");
        assertThat(input.get("voice").asText()).isEqualTo("Roger");
        assertThat(input.get("speed").asDouble()).isEqualTo(0.9);
        assertThat(input.get("stability").asDouble()).isEqualTo(0.3);
        assertThat(input.get("language_code").asText()).isEqualTo("en");
        assertThat(submit.get("tags").toString()).contains("app", "test");
        assertThat(withDefaults.getOptions().getModel()).isEqualTo(AsyncInvokeTextToSpeechModel.DEFAULT_MODEL);
    }

    @Test
    void aFormatTheModelDoesNotOfferIsRefusedBeforeSending() {
        assertThatThrownBy(() -> model.call(new TextToSpeechPrompt("Hello",
                TextToSpeechOptions.builder().format("wav").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MP3 only");
        assertThatThrownBy(() -> model.call(new TextToSpeechPrompt("Hello",
                TextToSpeechOptions.builder().model("fal-ai/other-tts").format("wav").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input(name, value)");
        assertThatThrownBy(() -> model.call(new TextToSpeechPrompt("  ")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isZero();
    }

    @Test
    void streamEmitsTheAudioInChunksAsItDownloads() {
        sim.inject(Fault.trickle(Duration.ofMillis(2), 1024).on(Endpoint.MEDIA));

        List<TextToSpeechResponse> chunks = model.stream(new TextToSpeechPrompt(
                "A sentence long enough to make more than one chunk of audio")).collectList().block(WAIT);

        assertThat(chunks).hasSizeGreaterThan(1);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        chunks.forEach(chunk -> joined.writeBytes(chunk.getResult().getOutput()));
        String url = chunks.get(0).getMetadata().get("url");
        assertThat(joined.toByteArray()).isEqualTo(fetch(url));
        assertThat(chunks).allSatisfy(chunk -> assertThat((Object) chunk.getMetadata().get("request_id"))
                .isEqualTo(chunks.get(0).getMetadata().get("request_id")));
        assertThat(model.stream("Hi").collectList().block(WAIT)).isNotEmpty();
    }

    @Test
    void theSizeCapHolds() {
        AsyncInvokeTextToSpeechModel capped = new AsyncInvokeTextToSpeechModel(SimulatorSupport.client(sim),
                AsyncInvokeSpeechOptions.builder().build(), DownloadOptions.defaults().withMaxBytes(1024));

        assertThatThrownBy(() -> capped.call(new TextToSpeechPrompt("A sentence that makes more than a kilobyte")))
                .isInstanceOf(NonTransientAiException.class).hasCauseInstanceOf(DownloadException.class)
                .hasMessageContaining("1024 bytes");
    }

    @Test
    void aFailedJobThroughSpringAi() {
        sim.failNextJobs(2, "voice not found");

        assertThatThrownBy(() -> model.call(new TextToSpeechPrompt("Hello")))
                .isInstanceOfSatisfying(JobFailedAiException.class, e -> {
                    assertThat(e.errorMessage()).contains("voice not found");
                    assertThat(e.getMessage()).contains(e.requestId());
                });
        StepVerifier.create(model.stream(new TextToSpeechPrompt("Hello"))).expectError(JobFailedAiException.class)
                .verify(WAIT);
        assertThat(sim.journal().count(Endpoint.MEDIA)).isZero();
    }

    @Test
    void generateIsCallWithoutBlocking() {
        StepVerifier.create(model.generate(new TextToSpeechPrompt("Hello")))
                .assertNext(response -> assertThat(isMp3(response.getResult().getOutput())).isTrue())
                .expectComplete().verify(WAIT);
    }
}
