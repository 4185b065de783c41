package io.asyncinvoke.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.model.JobState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unit tests of the package-private parts, without a server. */
class InternalsTest {

    @ParameterizedTest
    @CsvSource({"1,1", "3,2", "17,5", "640,480"})
    void pngsOfAnySizeDecode(int width, int height) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(MediaFiles.buildPng(width, height)));
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
    }

    @Test
    void pngChunksCarryCorrectCrcs() {
        ByteBuffer png = ByteBuffer.wrap(MediaFiles.buildPng(10, 10));
        png.position(8);
        List<String> types = new ArrayList<>();
        while (png.hasRemaining()) {
            int length = png.getInt();
            byte[] typeAndData = new byte[4 + length];
            png.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertThat(png.getInt()).isEqualTo((int) crc.getValue());
            types.add(new String(typeAndData, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertThat(types).containsExactly("IHDR", "IDAT", "IEND");
    }

    @Test
    void wavAndMp3SizesMatchTheirAnnouncedSizes() {
        assertThat((long) MediaFiles.buildWav(3).length).isEqualTo(MediaFiles.wavSize(3));
        assertThat((long) MediaFiles.buildMp3(10).length).isEqualTo(MediaFiles.mp3Size(10));
    }

    @Test
    void decodingIsStrictAndSingle() {
        assertThat(Route.decode("a%2Fb")).isEqualTo("a/b");
        assertThat(Route.decode("%252F")).isEqualTo("%2F");
        assertThat(Route.decode("%C3%BC")).isEqualTo("ü");
        assertThat(Route.decode("a+b")).isEqualTo("a+b");
        assertThat(Route.decode("%")).isNull();
        assertThat(Route.decode("%G0")).isNull();
        assertThat(Route.decode("%C3")).as("truncated UTF-8").isNull();
        assertThat(Route.encode("a/b ü~")).isEqualTo("a%2Fb%20%C3%BC~");
    }

    @Test
    void routesParseTheRawTarget() {
        assertThat(Route.api("POST", "/v1/async-invoke").endpoint).isEqualTo(Endpoint.SUBMIT);
        assertThat(Route.api("GET", "/v1/async-invoke/abc").endpoint).isEqualTo(Endpoint.GET);
        Route status = Route.api("GET", "/v1/async-invoke/a%2Fb/status?x=1");
        assertThat(status.endpoint).isEqualTo(Endpoint.STATUS);
        assertThat(status.requestId).isEqualTo("a/b");
        assertThat(Route.api("GET", "http://host:1/v1/async-invoke/abc/status").requestId).isEqualTo("abc");
        assertThat(Route.api("GET", "/v1/async-invoke/a/b/status").endpoint).isEqualTo(Endpoint.OTHER);
        assertThat(Route.api("PUT", "/v1/async-invoke/abc").allow).isEqualTo("GET");
        assertThat(Route.media("GET", "/media/abc/0.png").file).isEqualTo("0.png");
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static SimJob job(long queuedMillis, long runningMillis, String fail) throws Exception {
        JsonNode input = MAPPER.readTree("{\"prompt\":\"p\"}");
        return new SimJob("id", "fal-ai/flux/schnell", Family.IMAGE, input, Instant.parse("2026-01-01T00:00:00Z"),
                0, queuedMillis * 1_000_000, runningMillis * 1_000_000, fail, 1);
    }

    @Test
    void stateIsComputedFromTheTimeline() throws Exception {
        SimJob ok = job(100, 200, null);
        assertThat(ok.view(0).state).isEqualTo(JobState.QUEUED);
        assertThat(ok.view(99_999_999).state).isEqualTo(JobState.QUEUED);
        assertThat(ok.view(100_000_000).state).isEqualTo(JobState.IN_PROGRESS);
        assertThat(ok.view(300_000_000).state).isEqualTo(JobState.COMPLETED);
        SimJob.View done = ok.view(300_000_000);
        assertThat(done.startedAt).isEqualTo(Instant.parse("2026-01-01T00:00:00.100Z"));
        assertThat(done.completedAt).isEqualTo(Instant.parse("2026-01-01T00:00:00.300Z"));
        assertThat(done.error).isNull();
        SimJob.View failed = job(0, 0, "bad").view(1);
        assertThat(failed.state).isEqualTo(JobState.FAILED);
        assertThat(failed.error).isEqualTo("bad");
    }

    @Test
    void tenThousandJobsAreCheapToRead() throws Exception {
        List<SimJob> jobs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            jobs.add(job(i % 100, 100, null));
        }
        long t0 = System.nanoTime();
        int completed = 0;
        for (SimJob j : jobs) {
            completed += j.view(150_000_000).completed() ? 1 : 0;
        }
        assertThat(completed).isEqualTo(5100);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(500);
    }

    @Test
    void timestampsAlwaysHaveNineFractionDigits() {
        assertThat(Json.timestamp(Instant.parse("2026-01-22T19:21:00Z"))).isEqualTo("2026-01-22T19:21:00.000000000Z");
        assertThat(Json.timestamp(Instant.parse("2026-01-22T19:19:19.112403432Z")))
                .isEqualTo("2026-01-22T19:19:19.112403432Z");
    }

    @Test
    void logNormalDurationsHaveTheirMedianAndAreReproducible() {
        Supplier<Duration> a = Durations.logNormal(Duration.ofMillis(100), 0.5, 3);
        Supplier<Duration> b = Durations.logNormal(Duration.ofMillis(100), 0.5, 3);
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            Duration d = a.get();
            assertThat(d).isEqualTo(b.get());
            samples.add(d.toMillis());
        }
        Collections.sort(samples);
        assertThat(samples.get(1000)).isBetween(85L, 115L);
        assertThat(samples.get(1990)).isGreaterThan(200L);
        assertThat(Durations.uniform(Duration.ofMillis(5), Duration.ofMillis(6), 1).get())
                .isBetween(Duration.ofMillis(5), Duration.ofMillis(6));
        assertThat(Durations.fixed(Duration.ofSeconds(2)).get()).isEqualTo(Duration.ofSeconds(2));
    }
}
