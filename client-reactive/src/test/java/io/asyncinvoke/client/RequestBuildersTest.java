package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBuildersTest {

    private static JsonNode json(AsyncInvokeRequest request) throws Exception {
        return AsyncInvokeJson.MAPPER.readTree(AsyncInvokeJson.MAPPER.writeValueAsString(request));
    }

    @Test
    void imageRequestCarriesEveryDocumentedField() throws Exception {
        AsyncInvokeRequest request = InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse")
                .numImages(2).imageSize(1024, 768).outputFormat("png").numInferenceSteps(4).guidanceScale(3.5)
                .enableSafetyChecker(false).seed(42).tag("team", "web").build();

        assertThat(request.getInput().getNumImages()).isEqualTo(2);
        assertThat(request.getInput().getGuidanceScale()).isEqualByComparingTo(new BigDecimal("3.5"));
        assertThat(json(request)).isEqualTo(AsyncInvokeJson.MAPPER.readTree("{\"model_id\":\"fal-ai/flux/schnell\","
                + "\"input\":{\"prompt\":\"a lighthouse\",\"output_format\":\"png\",\"num_inference_steps\":4,"
                + "\"guidance_scale\":3.5,\"num_images\":2,\"enable_safety_checker\":false,"
                + "\"image_size\":{\"width\":1024,\"height\":768},\"seed\":42},"
                + "\"tags\":[{\"key\":\"team\",\"value\":\"web\"}]}"));
    }

    @Test
    void audioAndSpeechRequests() throws Exception {
        AsyncInvokeRequest audio = InvokeRequests.audio("fal-ai/stable-audio-25/text-to-audio")
                .prompt("rain").secondsTotal(20).build();
        AsyncInvokeRequest speech = InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2")
                .text("Hello").voice("Rachel").build();

        assertThat(json(audio).get("input")).isEqualTo(AsyncInvokeJson.MAPPER.readTree("{\"prompt\":\"rain\",\"seconds_total\":20}"));
        assertThat(json(speech).get("input")).isEqualTo(AsyncInvokeJson.MAPPER.readTree("{\"text\":\"Hello\",\"voice\":\"Rachel\"}"));
        assertThat(json(speech).has("tags")).as("no tags, no field").isFalse();
    }

    @Test
    void knownFieldsSetByNameLandInTheirTypedPropertyNotTwice() throws Exception {
        AsyncInvokeRequest request = InvokeRequests.model("fal-ai/fast-sdxl")
                .inputs(Map.of("prompt", "p", "num_images", 3, "image_size", "square_hd")).build();

        assertThat(request.getInput().getPrompt()).isEqualTo("p");
        assertThat(request.getInput().getNumImages()).isEqualTo(3);
        assertThat(request.getInput().getAdditionalProperties()).containsOnlyKeys("image_size");
        assertThat(json(request).get("input").size()).isEqualTo(3);
    }

    @Test
    void aNullValueRemovesAField() {
        AsyncInvokeRequest request = InvokeRequests.image("m").prompt("p").input("seed", 1).input("seed", null).build();

        assertThat(request.getInput().getAdditionalProperties()).isNull();
    }

    @Test
    void outOfRangeAndBlankValuesFailAtOnceWithTheFieldName() {
        assertThatThrownBy(() -> InvokeRequests.image("m").numImages(0)).hasMessageContaining("num_images");
        assertThatThrownBy(() -> InvokeRequests.image("m").numInferenceSteps(-1)).hasMessageContaining("num_inference_steps");
        assertThatThrownBy(() -> InvokeRequests.image("m").guidanceScale(Double.NaN)).hasMessageContaining("guidance_scale");
        assertThatThrownBy(() -> InvokeRequests.image("m").guidanceScale(-1)).hasMessageContaining("guidance_scale");
        assertThatThrownBy(() -> InvokeRequests.image("m").imageSize(0, 5)).hasMessageContaining("image_size.width");
        assertThatThrownBy(() -> InvokeRequests.image("m").prompt(" ")).hasMessageContaining("prompt");
        assertThatThrownBy(() -> InvokeRequests.audio("m").secondsTotal(0)).hasMessageContaining("seconds_total");
        assertThatThrownBy(() -> InvokeRequests.speech("m").text("")).hasMessageContaining("text");
        assertThatThrownBy(() -> InvokeRequests.image("m").tag(" ", "v")).hasMessageContaining("tag key");
        assertThatThrownBy(() -> InvokeRequests.image("m").tag("k", null)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> InvokeRequests.image(" ")).hasMessageContaining("model_id");
        assertThatThrownBy(() -> InvokeRequests.image(null)).hasMessageContaining("model_id");
        assertThatThrownBy(() -> InvokeRequests.model("m").input("", 1)).hasMessageContaining("field name");
    }

    @Test
    void aWronglyTypedFieldSetByNameFailsAtBuild() {
        assertThatThrownBy(() -> InvokeRequests.model("m").input("num_images", "many").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input");
        assertThatThrownBy(() -> InvokeRequests.model("m").input("num_images", 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_images");
    }
}
