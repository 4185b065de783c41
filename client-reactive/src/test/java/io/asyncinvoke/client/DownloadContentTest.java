package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** A media file's body streamed as it arrives, without a file: downloadContent. */
class DownloadContentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Simulator sim;
    private AsyncInvokeAsyncClient client;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(5)).runningFor(Duration.ofMillis(5)).start();
        client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                        .withInterval(Duration.ofMillis(20)).withJitter(0))
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(10))
                        .withMaxBackoff(Duration.ofMillis(40)))
                .buildAsyncClient();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private MediaFile speech() {
        Job job = client.invoke(InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2")
                .text("Hello there, this is a longer sentence to speak").build()).block(WAIT);
        return JobOutput.of(job).audio().get(0).file();
    }

    private static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void theBytesAreTheFilesAndTheKeyNeverReachesTheMediaHost() {
        MediaFile file = speech();

        byte[] body = concat(client.downloadContent(file).collectList().block(WAIT));

        byte[] direct = HttpClient.create().get().uri(file.url()).responseContent().aggregate().asByteArray().block(WAIT);
        assertThat(body).isEqualTo(direct);
        assertThat(body.length).isEqualTo(file.fileSize().getAsLong());
        assertThat(sim.journal().requests(Endpoint.MEDIA)).hasSize(2)
                .allSatisfy(r -> assertThat(r.authorizationPresent()).isFalse());
    }

    @Test
    void chunksArriveWhileTheBodyDoes() {
        MediaFile file = speech();
        sim.inject(Fault.trickle(Duration.ofMillis(5), 512).on(Endpoint.MEDIA));

        List<byte[]> chunks = client.downloadContent(file).collectList().block(WAIT);

        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(concat(chunks).length).isEqualTo(file.fileSize().getAsLong());
    }

    @Test
    void aBodyOverTheLimitFailsAndNothingPastTheLimitIsEmitted() {
        MediaFile file = speech();
        sim.inject(Fault.trickle(Duration.ofMillis(1), 256).on(Endpoint.MEDIA));
        AtomicLong emitted = new AtomicLong();

        assertThatThrownBy(() -> client.downloadContent(file, DownloadOptions.defaults().withMaxBytes(1000))
                .doOnNext(chunk -> emitted.addAndGet(chunk.length)).blockLast(WAIT))
                .isInstanceOf(DownloadException.class).hasMessageContaining("1000 bytes");
        assertThat(emitted.get()).isLessThanOrEqualTo(1000);
    }

    @Test
    void aFailureBeforeTheFirstChunkIsRetried() {
        MediaFile file = speech();
        sim.inject(Fault.status(503).on(Endpoint.MEDIA).times(1));

        byte[] body = concat(client.downloadContent(file).collectList().block(WAIT));

        assertThat(body.length).isEqualTo(file.fileSize().getAsLong());
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(2);
    }

    @Test
    void aFailureAfterTheFirstChunkIsNotRetried() {
        MediaFile file = speech();
        sim.inject(Fault.connectionResetMidResponse().on(Endpoint.MEDIA));
        AtomicLong emitted = new AtomicLong();

        assertThatThrownBy(() -> client.downloadContent(file).doOnNext(chunk -> emitted.addAndGet(chunk.length))
                .blockLast(WAIT)).isInstanceOf(TransportException.class);
        assertThat(emitted.get()).as("half the body came first").isPositive();
        assertThat(sim.journal().count(Endpoint.MEDIA)).as("a retry would repeat the bytes already emitted")
                .isEqualTo(1);
    }

    @Test
    void theTimeoutCoversTheWholeBody() {
        MediaFile file = speech();
        sim.inject(Fault.trickle(Duration.ofMillis(50), 64).on(Endpoint.MEDIA));

        assertThatThrownBy(() -> client.downloadContent(file, DownloadOptions.defaults()
                .withTimeout(Duration.ofMillis(300))).blockLast(WAIT))
                .isInstanceOf(TransportException.class).hasMessageContaining("timed out after 300ms");
    }

    @Test
    void onlyHttpUrlsAreRead() {
        assertThatThrownBy(() -> client.downloadContent(MediaFile.of("file:///etc/passwd")).blockLast(WAIT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
