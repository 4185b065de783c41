package io.asyncinvoke.spring.ai;

import static io.asyncinvoke.spring.ai.SimulatorSupport.WAIT;
import static io.asyncinvoke.spring.ai.SimulatorSupport.lastSubmit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageMessage;
import org.springframework.ai.image.ImageOptionsBuilder;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import reactor.test.StepVerifier;

/** The ImageModel against the simulator: what it submits, what it answers, how it fails. */
class AsyncInvokeImageModelTest {

    private Simulator sim;
    private AsyncInvokeImageModel model;

    @BeforeEach
    void start() {
        sim = SimulatorSupport.start();
        model = new AsyncInvokeImageModel(SimulatorSupport.client(sim));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aPromptBecomesAJobOfTheDefaultModelAndItsImagesUrls() throws Exception {
        ImageResponse response = model.call(new ImagePrompt("a lighthouse at dusk"));

        JsonNode submit = lastSubmit(sim);
        assertThat(submit.get("model_id").asText()).isEqualTo("fal-ai/flux/schnell");
        assertThat(submit.get("input").get("prompt").asText()).isEqualTo("a lighthouse at dusk");

        assertThat(response.getResults()).hasSize(1);
        ImageGeneration generation = response.getResult();
        assertThat(generation.getOutput().getUrl()).startsWith(sim.mediaBaseUrl()).endsWith("/0.png");
        assertThat(generation.getOutput().getB64Json()).isNull();
        AsyncInvokeImageGenerationMetadata metadata = (AsyncInvokeImageGenerationMetadata) generation.getMetadata();
        String requestId = (String) response.getMetadata().get("request_id");
        assertThat(requestId).isNotBlank();
        assertThat(metadata.getRequestId()).isEqualTo(requestId);
        assertThat(metadata.getModel()).contains("fal-ai/flux/schnell");
        assertThat(metadata.getIndex()).isZero();
        assertThat(metadata.getWidth()).hasValue(1024);
        assertThat(metadata.getHeight()).hasValue(768);
        assertThat(metadata.getContentType()).contains("image/png");
        assertThat(metadata.getSeed()).isPresent();
        assertThat(metadata.getNsfw()).contains(false);
        assertThat((Object) response.getMetadata().get("model")).isEqualTo("fal-ai/flux/schnell");
        assertThat((Object) response.getMetadata().get("status")).isEqualTo("COMPLETED");
        assertThat((Object) response.getMetadata().get("seed")).isEqualTo(metadata.getSeed().get());
        assertThat((List<Object>) response.getMetadata().get("has_nsfw_concepts")).containsExactly(false);
        assertThat(response.getMetadata().getCreated()).isPositive();
    }

    @ParameterizedTest
    @CsvSource({
            "1024, 1024, square_hd",
            "512, 512, square",
            "768, 1024, portrait_4_3",
            "576, 1024, portrait_16_9",
            "1024, 768, landscape_4_3",
            "1024, 576, landscape_16_9"})
    void aSizeOfAPresetIsSentByItsName(int width, int height, String preset) throws Exception {
        ImageResponse response = model.call(new ImagePrompt("x",
                ImageOptionsBuilder.builder().width(width).height(height).build()));

        assertThat(lastSubmit(sim).get("input").get("image_size").asText()).isEqualTo(preset);
        AsyncInvokeImageGenerationMetadata metadata = (AsyncInvokeImageGenerationMetadata) response.getResult()
                .getMetadata();
        assertThat(metadata.getWidth()).hasValue(width);
        assertThat(metadata.getHeight()).hasValue(height);
    }

    @Test
    void anyOtherSizeIsSentExactly() throws Exception {
        model.call(new ImagePrompt("x", ImageOptionsBuilder.builder().width(640).height(480).build()));

        JsonNode size = lastSubmit(sim).get("input").get("image_size");
        assertThat(size.get("width").asInt()).isEqualTo(640);
        assertThat(size.get("height").asInt()).isEqualTo(480);
    }

    @Test
    void portableAndFalOptionsMapToTheirFields() throws Exception {
        ImageResponse response = model.call(new ImagePrompt("a harbour", AsyncInvokeImageOptions.builder()
                .model("fal-ai/flux/dev").n(3).imageSize("portrait_16_9").style("watercolor").numInferenceSteps(8)
                .guidanceScale(3.5).seed(42L).enableSafetyChecker(false).outputFormat("JPEG")
                .input("acceleration", "high").tag("team", "docs").build()));

        JsonNode submit = lastSubmit(sim);
        JsonNode input = submit.get("input");
        assertThat(submit.get("model_id").asText()).isEqualTo("fal-ai/flux/dev");
        assertThat(input.get("num_images").asInt()).isEqualTo(3);
        assertThat(input.get("image_size").asText()).isEqualTo("portrait_16_9");
        assertThat(input.get("style").asText()).isEqualTo("watercolor");
        assertThat(input.get("num_inference_steps").asInt()).isEqualTo(8);
        assertThat(input.get("guidance_scale").asDouble()).isEqualTo(3.5);
        assertThat(input.get("seed").asLong()).isEqualTo(42);
        assertThat(input.get("enable_safety_checker").asBoolean()).isFalse();
        assertThat(input.get("output_format").asText()).isEqualTo("jpeg");
        assertThat(input.get("acceleration").asText()).isEqualTo("high");
        assertThat(submit.get("tags").toString()).contains("team", "docs");

        assertThat(response.getResults()).hasSize(3).extracting(g -> g.getOutput().getUrl())
                .allSatisfy(url -> assertThat(url).startsWith(sim.mediaBaseUrl())).doesNotHaveDuplicates();
        assertThat(response.getResults()).extracting(g -> ((AsyncInvokeImageGenerationMetadata) g.getMetadata()).getIndex())
                .containsExactly(0, 1, 2);
    }

    @Test
    void aPromptsOptionsAreMergedOverTheDefaults() throws Exception {
        AsyncInvokeImageModel withDefaults = new AsyncInvokeImageModel(SimulatorSupport.client(sim),
                AsyncInvokeImageOptions.builder().n(2).numInferenceSteps(4).seed(7L).width(1024).height(1024)
                        .input("acceleration", "none").build());

        withDefaults.call(new ImagePrompt("x", AsyncInvokeImageOptions.builder().seed(9L)
                .input("acceleration", "high").build()));
        JsonNode input = lastSubmit(sim).get("input");
        assertThat(input.get("num_images").asInt()).as("default kept").isEqualTo(2);
        assertThat(input.get("num_inference_steps").asInt()).isEqualTo(4);
        assertThat(input.get("image_size").asText()).isEqualTo("square_hd");
        assertThat(input.get("seed").asLong()).as("the prompt's wins").isEqualTo(9);
        assertThat(input.get("acceleration").asText()).isEqualTo("high");

        // Spring AI's portable options work as well, and a size replaces the default's
        withDefaults.call(new ImagePrompt("x", ImageOptionsBuilder.builder().n(1).width(512).height(512).build()));
        input = lastSubmit(sim).get("input");
        assertThat(input.get("num_images").asInt()).isEqualTo(1);
        assertThat(input.get("image_size").asText()).isEqualTo("square");
        assertThat(input.get("seed").asLong()).isEqualTo(7);
        assertThat(withDefaults.getOptions().getModel()).isEqualTo("fal-ai/flux/schnell");
    }

    @Test
    void negativeWeightsBecomeTheNegativePrompt() throws Exception {
        model.call(new ImagePrompt(List.of(new ImageMessage("a cat"), new ImageMessage("on a sofa", 0.5f),
                new ImageMessage("blurry", -1f))));

        JsonNode input = lastSubmit(sim).get("input");
        assertThat(input.get("prompt").asText()).isEqualTo("a cat\non a sofa");
        assertThat(input.get("negative_prompt").asText()).isEqualTo("blurry");
    }

    @Test
    void badOptionsFailBeforeAnythingIsSent() {
        assertThatThrownBy(() -> model.call(new ImagePrompt("x", ImageOptionsBuilder.builder().width(640).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width and height");
        assertThatThrownBy(() -> model.call(new ImagePrompt("x", ImageOptionsBuilder.builder().n(0).build())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.call(new ImagePrompt(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no text");
        assertThatThrownBy(() -> model.call(new ImagePrompt("x",
                AsyncInvokeImageOptions.builder().responseFormat("png").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url or b64_json");
        assertThat(sim.journal().count(Endpoint.SUBMIT)).isZero();
    }

    @Test
    void b64JsonDownloadsEachImageWithoutTheKey() {
        ImageResponse response = model.call(new ImagePrompt("x", AsyncInvokeImageOptions.builder().n(2)
                .responseFormat(AsyncInvokeImageOptions.RESPONSE_FORMAT_B64_JSON).build()));

        assertThat(response.getResults()).hasSize(2).allSatisfy(generation -> {
            byte[] png = Base64.getDecoder().decode(generation.getOutput().getB64Json());
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(generation.getOutput().getUrl()).isNotBlank();
        });
        assertThat(sim.journal().requests(Endpoint.MEDIA)).hasSize(2)
                .allSatisfy(r -> assertThat(r.authorizationPresent()).isFalse());
    }

    @Test
    void aFailedJobIsANonTransientErrorWithTheServersMessageAndTheRequestId() {
        sim.failNextJobs(1, "NSFW content detected in the prompt");

        assertThatThrownBy(() -> model.call(new ImagePrompt("x")))
                .isInstanceOfSatisfying(JobFailedAiException.class, e -> {
                    assertThat(e).isInstanceOf(NonTransientAiException.class);
                    assertThat(e.errorMessage()).contains("NSFW content detected in the prompt");
                    assertThat(e.requestId()).isNotBlank();
                    assertThat(e.getMessage()).contains(e.requestId(), "NSFW content detected in the prompt");
                    assertThat(e.job().getStatus()).isEqualTo(JobState.FAILED);
                });
    }

    @Test
    void aRateLimitIsTransient() {
        AsyncInvokeImageModel once = new AsyncInvokeImageModel(SimulatorSupport.builder(sim)
                .retryOptions(RetryOptions.defaults().withMaxAttempts(1)).buildAsyncClient());
        sim.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.SUBMIT).times(1));

        assertThatThrownBy(() -> once.call(new ImagePrompt("x"))).isInstanceOf(TransientAiException.class);
    }

    @Test
    void aSubmitWhoseOutcomeIsUnknownIsNotTransient() {
        sim.inject(Fault.status(503).on(Endpoint.SUBMIT).times(1));

        assertThatThrownBy(() -> model.call(new ImagePrompt("x")))
                .isInstanceOf(NonTransientAiException.class).hasMessageContaining("503");
    }

    @Test
    void aBadKeyIsNotTransient() {
        sim.revokeKey();

        assertThatThrownBy(() -> model.call(new ImagePrompt("x"))).isInstanceOf(NonTransientAiException.class);
    }

    @Test
    void theReactiveFormsNeitherBlockNorDiffer() {
        StepVerifier.create(model.generate(new ImagePrompt("x")))
                .assertNext(response -> assertThat(response.getResult().getOutput().getUrl()).isNotBlank())
                .expectComplete().verify(WAIT);

        List<JobUpdate> updates = model.generateAndWatch(new ImagePrompt("y")).collectList().block(WAIT);
        assertThat(updates).extracting(JobUpdate::status).startsWith("QUEUED").endsWith("COMPLETED");
        Job job = updates.get(updates.size() - 1).job().orElseThrow();
        assertThat(model.toImageResponse(job).getResult().getOutput().getUrl()).startsWith(sim.mediaBaseUrl());

        sim.failNextJobs(1, "no");
        StepVerifier.create(model.generate(new ImagePrompt("z"))).expectError(JobFailedAiException.class).verify(WAIT);
    }

    @Test
    void timingsFromTheOutputReachTheMetadata() {
        Job job = new Job().requestId("3c90c3cc-0d44-4b50-8888-8dd25736052a").status(JobState.COMPLETED)
                .modelId("fal-ai/flux/schnell").createdAt(OffsetDateTime.parse("2026-01-01T00:00:00Z"))
                .output(Map.of("images", List.of(Map.of("url", "https://media.example/0.jpg", "width", 512,
                                "height", 512, "content_type", "image/jpeg")),
                        "timings", Map.of("inference", 0.42), "seed", 1234, "has_nsfw_concepts", List.of(true)));

        ImageResponse response = model.toImageResponse(job);

        assertThat((Map<String, Object>) response.getMetadata().get("timings")).containsEntry("inference", 0.42);
        assertThat(response.getMetadata().getCreated()).isEqualTo(OffsetDateTime.parse("2026-01-01T00:00:00Z")
                .toInstant().toEpochMilli());
        AsyncInvokeImageGenerationMetadata metadata = (AsyncInvokeImageGenerationMetadata) response.getResult()
                .getMetadata();
        assertThat(metadata.getNsfw()).contains(true);
        assertThat(metadata.getSeed()).contains(1234L);
        assertThat(metadata.getContentType()).contains("image/jpeg");
    }

    @Test
    void aCompletedJobWithoutImagesIsAnError() {
        Job job = new Job().requestId("3c90c3cc-0d44-4b50-8888-8dd25736052a").status(JobState.COMPLETED)
                .modelId("fal-ai/some-video").output(Map.of("video", Map.of("url", "https://media.example/v.mp4")));

        assertThatThrownBy(() -> model.toImageResponse(job)).isInstanceOf(NonTransientAiException.class)
                .hasMessageContaining("without an image");
    }
}
