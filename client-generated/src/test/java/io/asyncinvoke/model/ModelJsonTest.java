package io.asyncinvoke.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelJsonTest {

    private static final String IMAGE_JOB = "{"
            + "\"request_id\":\"6590784a-ce47-4556-9ff4-53baff2693fb\","
            + "\"status\":\"COMPLETED\","
            + "\"model_id\":\"fal-ai/flux/schnell\","
            + "\"created_at\":\"2026-01-22T19:19:19.112403432Z\","
            + "\"started_at\":\"2026-01-22T19:19:19.912403432Z\","
            + "\"completed_at\":\"2026-01-22T19:19:21.512403432Z\","
            + "\"output\":{\"images\":[{\"url\":\"https://fal.media/files/a.png\",\"width\":1024,"
            + "\"height\":768,\"content_type\":\"image/png\"}],\"seed\":42}}";

    @Test
    void imageJobRoundTripsWithItsOutput() throws Exception {
        Job job = Json.MAPPER.readValue(IMAGE_JOB, Job.class);

        assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED);
        assertThat(job.getModelId()).isEqualTo("fal-ai/flux/schnell");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> images = (List<Map<String, Object>>) job.getOutput().get("images");
        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image).containsEntry("width", 1024).containsEntry("content_type", "image/png");
        });
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(job)))
                .isEqualTo(Json.MAPPER.readTree(IMAGE_JOB));
    }

    @Test
    void audioAndSpeechJobsRoundTrip() throws Exception {
        for (String json : List.of(
                "{\"request_id\":\"a\",\"status\":\"COMPLETED\",\"model_id\":\"fal-ai/stable-audio-25/text-to-audio\","
                        + "\"created_at\":\"2026-01-22T19:20:00Z\",\"output\":{\"audio\":{\"url\":\"https://x/o.wav\","
                        + "\"content_type\":\"audio/wav\",\"file_name\":\"o.wav\",\"file_size\":5292044}}}",
                "{\"request_id\":\"s\",\"status\":\"COMPLETED\",\"model_id\":\"fal-ai/elevenlabs/tts/multilingual-v2\","
                        + "\"created_at\":\"2026-01-22T19:21:00Z\",\"output\":{\"audio\":{\"url\":\"https://x/o.mp3\","
                        + "\"content_type\":\"audio/mpeg\"}}}")) {
            Job job = Json.MAPPER.readValue(json, Job.class);
            assertThat(job.getOutput()).containsKey("audio");
            assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(job))).isEqualTo(Json.MAPPER.readTree(json));
        }
    }

    @Test
    void failedJobKeepsTheServerErrorMessage() throws Exception {
        Job job = Json.MAPPER.readValue("{\"request_id\":\"f\",\"status\":\"FAILED\",\"model_id\":\"m\","
                + "\"created_at\":\"2026-01-22T19:22:00Z\",\"output\":null,\"error\":\"safety checker\"}", Job.class);

        assertThat(job.getStatus()).isEqualTo(JobState.FAILED);
        assertThat(job.getError()).isEqualTo("safety checker");
        assertThat(job.getOutput()).isNull();
    }

    @Test
    void createdAtKeepsNineFractionalDigits() throws Exception {
        Job job = Json.MAPPER.readValue(IMAGE_JOB, Job.class);

        assertThat(job.getCreatedAt().getNano()).isEqualTo(112_403_432);
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(job)).get("created_at").asText())
                .isEqualTo("2026-01-22T19:19:19.112403432Z");
    }

    @Test
    void offsetOfATimestampIsKept() throws Exception {
        Job job = Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"QUEUED\",\"model_id\":\"m\","
                + "\"created_at\":\"2026-01-22T21:19:19.5+02:00\"}", Job.class);

        assertThat(job.getCreatedAt()).isEqualTo(OffsetDateTime.parse("2026-01-22T21:19:19.5+02:00"));
    }

    @Test
    void unknownTopLevelFieldsAreTolerated() {
        assertThatCode(() -> Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"QUEUED\",\"model_id\":\"m\","
                + "\"created_at\":\"2026-01-22T19:19:19Z\",\"priority\":7,\"region\":{\"name\":\"nyc\"}}", Job.class))
                .doesNotThrowAnyException();
    }

    @Test
    void unknownStatusValueDoesNotThrow() throws Exception {
        JobStatus status = Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"CANCELLED\"}", JobStatus.class);
        Job job = Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"CANCELLED\",\"model_id\":\"m\","
                + "\"created_at\":\"2026-01-22T19:19:19Z\"}", Job.class);

        assertThat(status.getStatus()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
        assertThat(job.getStatus()).isEqualTo(JobState.UNKNOWN_DEFAULT_OPEN_API);
    }

    @Test
    void extraInputFieldsSurviveBothDirections() throws Exception {
        String json = "{\"model_id\":\"fal-ai/flux/schnell\",\"input\":{\"prompt\":\"p\","
                + "\"image_size\":{\"width\":512,\"height\":512},\"voice\":\"Rachel\"}}";

        AsyncInvokeRequest request = Json.MAPPER.readValue(json, AsyncInvokeRequest.class);

        assertThat(request.getInput().getPrompt()).isEqualTo("p");
        assertThat(request.getInput().getAdditionalProperty("voice")).isEqualTo("Rachel");
        assertThat(request.getInput().getAdditionalProperty("image_size")).isEqualTo(Map.of("width", 512, "height", 512));
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(request))).isEqualTo(Json.MAPPER.readTree(json));

        AsyncInvokeRequest built = new AsyncInvokeRequest().modelId("m")
                .input(new ModelInput().text("hello").putAdditionalProperty("voice", "Aria"));
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(built)).get("input").get("voice").asText())
                .isEqualTo("Aria");
    }

    @Test
    void unsetOptionalFieldsAreOmittedWhenWriting() throws Exception {
        AsyncInvokeRequest request = new AsyncInvokeRequest().modelId("fal-ai/flux/schnell")
                .input(new ModelInput().prompt("a lighthouse").guidanceScale(new BigDecimal("3.5")));

        JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(request));

        assertThat(written.fieldNames()).toIterable().containsExactly("model_id", "input");
        assertThat(written.get("input").fieldNames()).toIterable().containsExactly("prompt", "guidance_scale");
        assertThat(written.get("input").get("guidance_scale").decimalValue()).isEqualByComparingTo("3.5");
    }

    @Test
    void tagsSerializeAsKeyValueObjects() throws Exception {
        AsyncInvokeRequest request = new AsyncInvokeRequest().modelId("m").input(new ModelInput().prompt("p"))
                .tags(List.of(new Tag().key("type").value("test")));

        assertThat(Json.MAPPER.writeValueAsString(request))
                .isEqualTo("{\"model_id\":\"m\",\"input\":{\"prompt\":\"p\"},\"tags\":[{\"key\":\"type\",\"value\":\"test\"}]}");
    }

    @Test
    void bothGetShapesParse() throws Exception {
        JobStatus light = Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"IN_PROGRESS\"}", JobStatus.class);
        Job whole = Json.MAPPER.readValue("{\"request_id\":\"r\",\"status\":\"IN_PROGRESS\",\"model_id\":\"m\","
                + "\"created_at\":\"2026-01-22T19:19:19Z\",\"started_at\":\"2026-01-22T19:19:20Z\","
                + "\"completed_at\":null,\"output\":null,\"error\":null}", Job.class);

        assertThat(light.getRequestId()).isEqualTo("r");
        assertThat(light.getStatus()).isEqualTo(JobState.IN_PROGRESS);
        assertThat(whole.getStatus()).isEqualTo(JobState.IN_PROGRESS);
        assertThat(whole.getStartedAt()).isNotNull();
        assertThat(whole.getCompletedAt()).isNull();
    }

    @Test
    void errorEnvelopeParsesIntoTheRenamedModel() throws Exception {
        ApiError error = Json.MAPPER.readValue(
                "{\"id\":\"not_found\",\"message\":\"gone\",\"request_id\":\"4d9d\"}", ApiError.class);

        assertThat(error.getId()).isEqualTo("not_found");
        assertThat(error.getMessage()).isEqualTo("gone");
        assertThat(error.getRequestId()).isEqualTo("4d9d");
    }
}
