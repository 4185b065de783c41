package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.AUDIO_MODEL;
import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.SPEECH_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MediaTest {

    private Simulator sim;
    private TestHttp http;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ZERO).runningFor(Duration.ofMillis(5)).start();
        http = new TestHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<byte[]> fetch(String url) {
        HttpResponse<byte[]> r = http.media(url, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().length);
        return r;
    }

    @Test
    void imagesAreValidPngsOfTheAnnouncedSize() throws Exception {
        JsonNode output = http.completedJob(IMAGE_MODEL,
                "{\"num_images\":2,\"image_size\":{\"width\":300,\"height\":200}}").get("output");
        for (JsonNode image : output.get("images")) {
            HttpResponse<byte[]> r = fetch(image.get("url").asText());
            assertThat(r.headers().firstValue("content-type")).hasValue("image/png");
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(r.body()));
            assertThat(png).isNotNull();
            assertThat(png.getWidth()).isEqualTo(image.get("width").asInt()).isEqualTo(300);
            assertThat(png.getHeight()).isEqualTo(image.get("height").asInt()).isEqualTo(200);
            assertThat(png.getRGB(0, 0)).isNotEqualTo(png.getRGB(299, 199));
        }
    }

    @Test
    void theDefaultImageIsAValid1024x768Png() throws Exception {
        JsonNode image = http.completedJob(IMAGE_MODEL, "{}").get("output").get("images").get(0);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(fetch(image.get("url").asText()).body()));
        assertThat(png.getWidth()).isEqualTo(1024);
        assertThat(png.getHeight()).isEqualTo(768);
    }

    @Test
    void audioIsAValidWavOfTheAnnouncedSize() throws Exception {
        JsonNode audio = http.completedJob(AUDIO_MODEL, "{\"seconds_total\":2}").get("output").get("audio");
        HttpResponse<byte[]> r = fetch(audio.get("url").asText());
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat((long) r.body().length).isEqualTo(audio.get("file_size").asLong());
        AudioFileFormat format = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(r.body()));
        assertThat(format.getType()).isEqualTo(AudioFileFormat.Type.WAVE);
        AudioFormat f = format.getFormat();
        assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        assertThat(f.getSampleRate()).isEqualTo(8000f);
        assertThat(f.getChannels()).isEqualTo(1);
        assertThat(format.getFrameLength()).isEqualTo(2 * 8000);
    }

    @Test
    void speechIsASequenceOfValidMpeg1Layer3Frames() {
        JsonNode audio = http.completedJob(SPEECH_MODEL, "{\"text\":\"Hello world\"}").get("output").get("audio");
        HttpResponse<byte[]> r = fetch(audio.get("url").asText());
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/mpeg");
        byte[] mp3 = r.body();
        assertThat((long) mp3.length).isEqualTo(audio.get("file_size").asLong());
        int frames = 0;
        for (int offset = 0; offset < mp3.length; frames++) {
            int h1 = mp3[offset] & 0xFF;
            int h2 = mp3[offset + 1] & 0xFF;
            int h3 = mp3[offset + 2] & 0xFF;
            int h4 = mp3[offset + 3] & 0xFF;
            assertThat(h1).as("sync").isEqualTo(0xFF);
            assertThat(h2 & 0xE0).as("sync").isEqualTo(0xE0);
            assertThat((h2 >> 3) & 0x3).as("MPEG-1").isEqualTo(0b11);
            assertThat((h2 >> 1) & 0x3).as("Layer III").isEqualTo(0b01);
            int bitrateIndex = h3 >> 4;
            int sampleRateIndex = (h3 >> 2) & 0x3;
            int padding = (h3 >> 1) & 0x1;
            assertThat(bitrateIndex).as("32 kbit/s").isEqualTo(1);
            assertThat(sampleRateIndex).as("32 kHz").isEqualTo(2);
            assertThat(h4 >> 6).as("mono").isEqualTo(0b11);
            int frameLength = 144 * 32_000 / 32_000 + padding;
            offset += frameLength;
            assertThat(offset).isLessThanOrEqualTo(mp3.length);
        }
        assertThat(frames).isEqualTo(mp3.length / 144).isGreaterThan(10);
    }

    @Test
    void mediaLivesOnAnotherOrigin() {
        JsonNode image = http.completedJob(IMAGE_MODEL, "{}").get("output").get("images").get(0);
        URI media = URI.create(image.get("url").asText());
        URI api = URI.create(sim.baseUrl());
        assertThat(media.getHost()).isEqualTo("localhost").isNotEqualTo(api.getHost());
        assertThat(media.getPort()).isEqualTo(sim.mediaPort()).isNotEqualTo(api.getPort());
        // and the API listener does not serve media
        assertThat(http.get(media.getRawPath()).statusCode()).isEqualTo(404);
    }

    @Test
    void mediaNeedsNoAuthAndTheJournalShowsWhetherTheKeyLeaked() {
        JsonNode job = http.completedJob(IMAGE_MODEL, "{}");
        String id = job.get("request_id").asText();
        String url = job.get("output").get("images").get(0).get("url").asText();
        assertThat(http.media(url, null).statusCode()).isEqualTo(200);
        assertThat(http.media(url, "Bearer " + sim.apiKey()).statusCode()).isEqualTo(200);
        assertThat(http.media(url, "Bearer something-else").statusCode()).isEqualTo(200);
        var media = sim.journal().mediaFor(id);
        assertThat(media).extracting(RecordedRequest::endpoint).containsOnly(Endpoint.MEDIA);
        assertThat(media).extracting(RecordedRequest::authorizationPresent).containsExactly(false, true, true);
        assertThat(media).extracting(RecordedRequest::authorizationValid).containsExactly(false, true, false);
        assertThat(media.get(0).rawPath()).isEqualTo("/media/" + id + "/0.png");
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(3);
    }

    @Test
    void mediaIsMissingBeforeCompletionForUnknownFilesAndAfterExpiry() {
        try (Simulator slow = Simulator.builder().queuedFor(Duration.ofSeconds(10)).start()) {
            TestHttp h = new TestHttp(slow);
            String id = h.submitId(IMAGE_MODEL, "{}");
            String url = slow.mediaBaseUrl() + "/media/" + id + "/0.png";
            assertThat(h.media(url, null).statusCode()).isEqualTo(404);
            slow.overrideStatus(id, "COMPLETED");
            assertThat(h.media(url, null).statusCode()).isEqualTo(200);
            assertThat(h.media(slow.mediaBaseUrl() + "/media/" + id + "/1.png", null).statusCode()).isEqualTo(404);
            assertThat(h.media(slow.mediaBaseUrl() + "/media/" + id + "/output.wav", null).statusCode()).isEqualTo(404);
            assertThat(h.media(slow.mediaBaseUrl() + "/elsewhere", null).statusCode()).isEqualTo(404);
            slow.expire(id);
            assertThat(h.media(url, null).statusCode()).isEqualTo(404);
        }
    }
}
