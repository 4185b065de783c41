package io.asyncinvoke.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example in openapi/openapi.yaml must deserialize into the generated model its schema
 * names and serialize back to the same JSON, so the spec and the models cannot drift apart.
 */
class SpecExamplesTest {

    private static final Path SPEC = Path.of(System.getProperty("openapi.spec", "../openapi/openapi.yaml"));

    @TestFactory
    Stream<DynamicTest> everyExampleRoundTripsThroughItsModel() throws IOException {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(SPEC));
        List<DynamicTest> tests = new ArrayList<>();
        collectExamples(spec, spec.path("paths"), "", tests);
        collectExamples(spec, spec.path("components").path("responses"), "components", tests);
        return tests.stream();
    }

    @Test
    void specDeclaresExamplesForAllThreeFamiliesAndAFailedJob() throws IOException {
        String text = Files.readString(SPEC);
        assertThat(text)
                .contains("model_id: fal-ai/flux/schnell")
                .contains("model_id: fal-ai/stable-audio-25/text-to-audio")
                .contains("model_id: fal-ai/elevenlabs/tts/multilingual-v2")
                .contains("status: FAILED");
    }

    /** Walks request bodies and responses, pairing each example with the model of its schema. */
    private static void collectExamples(JsonNode spec, JsonNode node, String where, List<DynamicTest> out) {
        if (!node.isContainerNode()) {
            return;
        }
        JsonNode media = node.path("content").path("application/json");
        if (!media.isMissingNode()) {
            Class<?> model = modelFor(media.path("schema").path("$ref").asText());
            if (media.has("example")) {
                JsonNode example = media.get("example");
                out.add(DynamicTest.dynamicTest(where + " example", () -> assertRoundTrip(example, model)));
            }
            media.path("examples").fields().forEachRemaining(e -> out.add(DynamicTest.dynamicTest(
                    where + " " + e.getKey(), () -> assertRoundTrip(e.getValue().get("value"), model))));
        }
        for (Map.Entry<String, JsonNode> child : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!child.getKey().equals("content")) {
                collectExamples(spec, child.getValue(), where + "/" + child.getKey(), out);
            }
        }
    }

    private static Class<?> modelFor(String ref) {
        switch (ref.substring(ref.lastIndexOf('/') + 1)) {
            case "AsyncInvokeRequest": return AsyncInvokeRequest.class;
            case "Job": return Job.class;
            case "JobStatus": return JobStatus.class;
            case "Error": return ApiError.class;
            default: throw new AssertionError("no model mapped for schema " + ref);
        }
    }

    private static void assertRoundTrip(JsonNode example, Class<?> model) throws IOException {
        Object parsed = Json.MAPPER.treeToValue(example, model);
        JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(parsed));
        assertThat(Json.canonical(written)).isEqualTo(Json.canonical(example));
    }
}
