package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.AUDIO_MODEL;
import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.SPEECH_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputsTest {

    private static Simulator sim;
    private static TestHttp http;

    @BeforeAll
    static void start() {
        sim = Simulator.builder().queuedFor(Duration.ZERO).runningFor(Duration.ofMillis(5))
                .family("acme/voice-clone", Family.SPEECH)
                .start();
        http = new TestHttp(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "fal-ai/flux/schnell, IMAGE",
        "fal-ai/stable-audio-25/text-to-audio, AUDIO",
        "fal-ai/elevenlabs/tts/multilingual-v2, SPEECH",
        "some/text-to-speech, SPEECH",
        "fal-ai/Audio-Gen, AUDIO",
        "fal-ai/recraft-v3, IMAGE",
    })
    void familiesAreGuessedFromTheModelId(String modelId, Family family) {
        assertThat(Family.guess(modelId)).isEqualTo(family);
    }

    @Test
    void imageOutputsLookLikeFals() {
        JsonNode job = http.completedJob(IMAGE_MODEL, "{\"prompt\":\"A futuristic city\",\"num_images\":3,"
                + "\"image_size\":\"square_hd\",\"seed\":4213}");
        String id = job.get("request_id").asText();
        JsonNode output = job.get("output");
        assertThat(output.get("images")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode image = output.get("images").get(i);
            assertThat(image.get("url").asText()).isEqualTo(sim.mediaBaseUrl() + "/media/" + id + "/" + i + ".png");
            assertThat(image.get("width").asInt()).isEqualTo(1024);
            assertThat(image.get("height").asInt()).isEqualTo(1024);
            assertThat(image.get("content_type").asText()).isEqualTo("image/png");
        }
        assertThat(output.get("seed").asLong()).isEqualTo(4213);
        assertThat(output.get("has_nsfw_concepts")).hasSize(3).allMatch(n -> n.isBoolean() && !n.asBoolean());
        assertThat(output.get("prompt").asText()).isEqualTo("A futuristic city");
        assertThat(job.get("error").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}                                                   | 1024 | 768",
        "{\"image_size\":\"landscape_16_9\"}                  | 1024 | 576",
        "{\"image_size\":\"portrait_4_3\"}                    | 768  | 1024",
        "{\"image_size\":\"square\"}                          | 512  | 512",
        "{\"output_format\":\"landscape_4_3\"}                | 1024 | 768",
        "{\"image_size\":{\"width\":33,\"height\":7}}         | 33   | 7",
        "{\"image_size\":{\"width\":99999,\"height\":0}}      | 2048 | 1",
        "{\"image_size\":\"no_such_size\"}                    | 1024 | 768",
    })
    void imageSizesFollowTheInput(String input, int width, int height) {
        JsonNode image = http.completedJob(IMAGE_MODEL, input).get("output").get("images").get(0);
        assertThat(image.get("width").asInt()).isEqualTo(width);
        assertThat(image.get("height").asInt()).isEqualTo(height);
    }

    @Test
    void imageCountDefaultsToOneAndIsClamped() {
        assertThat(http.completedJob(IMAGE_MODEL, "{}").get("output").get("images")).hasSize(1);
        assertThat(http.completedJob(IMAGE_MODEL, "{\"num_images\":50}").get("output").get("images")).hasSize(8);
    }

    @Test
    void audioOutputsLookLikeFals() {
        JsonNode job = http.completedJob(AUDIO_MODEL, "{\"prompt\":\"Techno\",\"seconds_total\":2}");
        JsonNode output = job.get("output");
        JsonNode audio = output.get("audio");
        assertThat(audio.get("url").asText())
                .isEqualTo(sim.mediaBaseUrl() + "/media/" + job.get("request_id").asText() + "/output.wav");
        assertThat(audio.get("content_type").asText()).isEqualTo("audio/wav");
        assertThat(audio.get("file_name").asText()).isEqualTo("output.wav");
        assertThat(audio.get("file_size").asLong()).isEqualTo(44 + 2 * 8000 * 2);
        assertThat(output.get("seed").isIntegralNumber()).isTrue();
        assertThat(output.has("images")).isFalse();
    }

    @Test
    void audioDurationIsClampedToAFewSeconds() {
        JsonNode long60 = http.completedJob(AUDIO_MODEL, "{\"seconds_total\":60}").get("output").get("audio");
        assertThat(long60.get("file_size").asLong()).isEqualTo(44 + 2 * 8000 * 5);
        JsonNode dflt = http.completedJob(AUDIO_MODEL, "{}").get("output").get("audio");
        assertThat(dflt.get("file_size").asLong()).isEqualTo(44 + 2 * 8000 * 3);
    }

    @Test
    void speechOutputsLookLikeFals() {
        JsonNode job = http.completedJob(SPEECH_MODEL, "{\"text\":\"Hello\",\"voice\":\"Rachel\"}");
        JsonNode output = job.get("output");
        JsonNode audio = output.get("audio");
        assertThat(audio.get("url").asText()).endsWith("/media/" + job.get("request_id").asText() + "/output.mp3");
        assertThat(audio.get("content_type").asText()).isEqualTo("audio/mpeg");
        assertThat(audio.get("file_name").asText()).isEqualTo("output.mp3");
        // 500 ms + 5 x 60 ms = 800 ms = 23 frames of 36 ms, 144 bytes each
        assertThat(audio.get("file_size").asLong()).isEqualTo(23 * 144);
        assertThat(output.has("seed")).isFalse();
    }

    @Test
    void theFamilyCanBeOverriddenPerModel() {
        JsonNode output = http.completedJob("acme/voice-clone", "{\"text\":\"x\"}").get("output");
        assertThat(output.get("audio").get("content_type").asText()).isEqualTo("audio/mpeg");
    }

    @Test
    void outputsAppearOnlyOnceCompleted() {
        try (Simulator slow = Simulator.builder().queuedFor(Duration.ofSeconds(10)).start()) {
            TestHttp h = new TestHttp(slow);
            String id = h.submitId(IMAGE_MODEL, "{}");
            assertThat(TestHttp.json(h.job(id)).get("output").isNull()).isTrue();
            slow.overrideStatus(id, "COMPLETED");
            assertThat(TestHttp.json(h.job(id)).get("output").get("images")).hasSize(1);
        }
    }
}
