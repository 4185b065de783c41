package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;

/** Downloads over real HTTP from the simulator's media origin, which is another origin than its API. */
class DownloadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Simulator sim;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private AsyncInvokeClient client;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofMillis(5)).runningFor(Duration.ofMillis(5)).start();
        client = builder().buildClient();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private AsyncInvokeClientBuilder builder() {
        return new AsyncInvokeClientBuilder()
                .endpoint(sim.baseUrl())
                .apiKey(sim.apiKey())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                        .withInterval(Duration.ofMillis(20)).withJitter(0))
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(10))
                        .withMaxBackoff(Duration.ofMillis(40)))
                .listener(new AsyncInvokeListener() {
                    @Override
                    public void requestCompleted(Exchange exchange, int statusCode, Throwable error,
                                                 Duration duration) {
                        Operation operation = exchange.operation();
                        events.add(operation + " " + statusCode + (error == null ? "" : " " + error.getClass().getSimpleName()));
                    }

                    @Override
                    public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
                Operation operation = exchange.operation();
                        events.add("retry " + operation);
                    }
                });
    }

    private Job image(int count) {
        return client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("a lighthouse").numImages(count)
                .imageSize("square").build(), WAIT);
    }

    private Job audio() {
        return client.invoke(InvokeRequests.audio("fal-ai/stable-audio-25/text-to-audio").prompt("rain")
                .secondsTotal(1).build(), WAIT);
    }

    private Job speech() {
        return client.invoke(InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2").text("Hello").build(), WAIT);
    }

    private List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static byte[] fetchDirectly(String url) {
        return HttpClient.create().get().uri(url).responseContent().aggregate().asByteArray().block(WAIT);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private void assertNoAuthorizationReachedMedia() {
        List<RecordedRequest> media = sim.journal().requests(Endpoint.MEDIA);
        assertThat(media).isNotEmpty().allSatisfy(r -> {
            assertThat(r.authorizationPresent()).as("Authorization on %s", r).isFalse();
            assertThat(r.headers()).doesNotContainKey("authorization");
            assertThat(r.headers().values().toString()).doesNotContain(sim.apiKey());
        });
    }

    @Test
    void aPngIsSavedUnderItsUrlsNameAndDecodes() throws Exception {
        Job job = image(1);
        JobOutput.Image image = JobOutput.of(job).images().get(0);

        Path saved = client.download(image.file(), dir);

        assertThat(saved).isEqualTo(dir.resolve("0.png"));
        BufferedImage decoded = ImageIO.read(saved.toFile());
        assertThat(decoded).isNotNull();
        assertThat(decoded.getWidth()).isEqualTo(image.width().getAsInt());
        assertThat(decoded.getHeight()).isEqualTo(image.height().getAsInt());
        assertThat(Files.readAllBytes(saved)).isEqualTo(fetchDirectly(image.url()));
        assertThat(filesIn(dir)).containsExactly("0.png");
        assertThat(events).contains("DOWNLOAD 200");
    }

    @Test
    void aWavIsSavedUnderItsFileNameAndDecodes() throws Exception {
        JobOutput.Audio audio = JobOutput.of(audio()).audio().get(0);

        Path saved = client.async().download(audio.file(), dir).block(WAIT);

        assertThat(saved).isEqualTo(dir.resolve("output.wav"));
        AudioFileFormat format = AudioSystem.getAudioFileFormat(saved.toFile());
        assertThat(format.getType()).isEqualTo(AudioFileFormat.Type.WAVE);
        assertThat(Files.size(saved)).isEqualTo(audio.fileSize().getAsLong());
    }

    @Test
    void anMp3IsSavedWithItsBytes() throws Exception {
        JobOutput.Audio audio = JobOutput.of(speech()).audio().get(0);

        Path saved = client.download(audio.file(), dir);

        assertThat(saved.getFileName().toString()).isEqualTo("output.mp3");
        byte[] bytes = Files.readAllBytes(saved);
        assertThat(bytes).hasSize((int) audio.fileSize().getAsLong());
        assertThat(bytes[0]).isEqualTo((byte) 0xFF);
        assertThat(bytes).isEqualTo(fetchDirectly(audio.url()));
    }

    @Test
    void downloadAllSavesEveryFileInOrderIntoANewDirectory() throws Exception {
        Job job = image(3);
        Path target = dir.resolve("new/nested");

        List<Path> saved = client.downloadAll(job, target);

        assertThat(saved).containsExactly(target.resolve("0.png"), target.resolve("1.png"), target.resolve("2.png"));
        for (Path path : saved) {
            assertThat(ImageIO.read(path.toFile())).isNotNull();
        }
        assertThat(filesIn(target)).containsExactly("0.png", "1.png", "2.png");
        assertThat(client.downloadAll(new Job().requestId("x").status(JobState.FAILED), target)).isEmpty();
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws Exception {
        JobOutput.Audio audio = JobOutput.of(audio()).audio().get(0);
        Files.writeString(dir.resolve("output.wav"), "mine");

        Path first = client.download(audio.file(), dir);
        Path second = client.download(audio.file(), dir);

        assertThat(first).isEqualTo(dir.resolve("output-1.wav"));
        assertThat(second).isEqualTo(dir.resolve("output-2.wav"));
        assertThat(Files.readString(dir.resolve("output.wav"))).isEqualTo("mine");
        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        assertThat(filesIn(dir)).containsExactly("output-1.wav", "output-2.wav", "output.wav");
    }

    @Test
    void aHostileFileNameStaysInTheDirectory() throws Exception {
        Job job = audio();
        String url = JobOutput.of(job).audio().get(0).url();
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Job hostile = new Job().requestId(job.getRequestId()).status(JobState.COMPLETED).output(Map.of(
                "audio", Map.of("url", url, "content_type", "audio/wav", "file_name", "../../escape.wav"),
                "more", Map.of("url", url, "file_name", "..", "content_type", "audio/wav")));

        List<Path> saved = client.downloadAll(hostile, inner);

        assertThat(saved).containsExactlyInAnyOrder(inner.resolve("escape.wav"), inner.resolve("output.wav"));
        assertThat(filesIn(inner)).containsExactlyInAnyOrder("escape.wav", "output.wav");
        assertThat(filesIn(dir)).containsExactly("inner");
    }

    @Test
    void anErrorStatusIsTypedAndLeavesNoFile() throws Exception {
        Job job = audio();
        MediaFile file = JobOutput.of(job).audio().get(0).file();
        sim.expire(job.getRequestId());

        assertThatThrownBy(() -> client.download(file, dir))
                .isInstanceOfSatisfying(DownloadException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.requestId()).contains(job.getRequestId());
                    assertThat(e.url()).isEqualTo(file.url());
                    assertThat(e.getMessage()).contains("404").contains(job.getRequestId());
                });
        assertThat(sim.journal().count(Endpoint.MEDIA)).as("a 404 is not retried").isEqualTo(1);
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void a5xxIsRetriedThenTyped() throws Exception {
        MediaFile file = JobOutput.of(audio()).audio().get(0).file();
        sim.inject(Fault.status(500).on(Endpoint.MEDIA));

        assertThatThrownBy(() -> client.download(file, dir))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(RetryOptions.defaults().maxAttempts());
        assertThat(events).contains("retry DOWNLOAD", "DOWNLOAD 500 DownloadException");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void transientFailuresAreRetried() throws Exception {
        MediaFile file = JobOutput.of(speech()).audio().get(0).file();
        sim.inject(Fault.status(503).on(Endpoint.MEDIA).times(1));
        sim.inject(Fault.rateLimited(Duration.ofMillis(1)).on(Endpoint.MEDIA).times(1));

        Path saved = client.download(file, dir);

        assertThat(Files.size(saved)).isEqualTo(file.fileSize().getAsLong());
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(3);
    }

    @Test
    void aConnectionLostMidBodyIsATransportErrorAndLeavesNoPartFile() throws Exception {
        MediaFile file = JobOutput.of(audio()).audio().get(0).file();
        sim.inject(Fault.connectionResetMidResponse().on(Endpoint.MEDIA));

        assertThatThrownBy(() -> client.download(file, dir)).isInstanceOf(TransportException.class);
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(RetryOptions.defaults().maxAttempts());
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void cancellingMidBodyLeavesNoPartFile() throws Exception {
        MediaFile file = JobOutput.of(audio()).audio().get(0).file();
        sim.inject(Fault.trickle(Duration.ofMillis(20), 256).on(Endpoint.MEDIA));

        Disposable download = client.async().download(file, dir).subscribe();
        await(() -> {
            try {
                return !filesIn(dir).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(filesIn(dir)).singleElement().asString().startsWith(".").endsWith(".part");
        download.dispose();

        await(() -> {
            try {
                return filesIn(dir).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void theApiKeyNeverReachesTheMediaHost() {
        Job job = image(2);
        client.downloadAll(job, dir);
        client.downloadAll(audio(), dir);

        assertThat(sim.journal().requests(Endpoint.SUBMIT)).allSatisfy(r ->
                assertThat(r.authorizationValid()).as("the API did get the key").isTrue());
        assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(3);
        assertNoAuthorizationReachedMedia();
    }

    @Test
    void theApiKeyNeverReachesTheMediaHostThroughARedirect() throws Exception {
        JobOutput.Audio audio = JobOutput.of(speech()).audio().get(0);
        try (Simulator redirector = Simulator.builder()
                .dispatcher(request -> Answer.of(302, "text/plain", "moved").header("Location", audio.url())).start()) {

            Path saved = client.download(MediaFile.of(redirector.baseUrl() + "/presigned/speech.mp3?sig=abc"), dir);

            assertThat(saved).isEqualTo(dir.resolve("speech.mp3"));
            assertThat(redirector.journal().requests()).singleElement().satisfies(r ->
                    assertThat(r.headers()).doesNotContainKey("authorization"));
            assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(1);
            assertNoAuthorizationReachedMedia();
            assertThat(Files.readAllBytes(saved)).isEqualTo(fetchDirectly(audio.url()));
        }
    }

    @Test
    void anAuthorizationHeaderOnASuppliedHttpClientIsStrippedForMedia() {
        AsyncInvokeClient shared = builder()
                .httpClient(HttpClient.create().headers(h -> h.set("Authorization", "Bearer app-wide")))
                .buildClient();
        Job job = shared.invoke(InvokeRequests.speech("fal-ai/elevenlabs/tts/multilingual-v2").text("Hi").build(), WAIT);

        shared.downloadAll(job, dir);

        assertThat(sim.journal().requests(Endpoint.SUBMIT)).singleElement()
                .satisfies(r -> assertThat(r.authorizationValid()).isTrue());
        assertNoAuthorizationReachedMedia();
    }

    @Test
    void aRedirectToAnotherSchemeIsNotFollowed() throws Exception {
        try (Simulator redirector = Simulator.builder()
                .dispatcher(request -> Answer.of(302, "text/plain", "moved").header("Location", "file:///etc/passwd"))
                .start()) {

            assertThatThrownBy(() -> client.download(MediaFile.of(redirector.baseUrl() + "/x.png"), dir))
                    .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.statusCode()).isEqualTo(302));
        }
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void onlyHttpUrlsAreDownloaded() throws Exception {
        for (String url : new String[] {"file:///etc/passwd", "ftp://media.example/x.png", "not a url", "/relative"}) {
            assertThatThrownBy(() -> client.download(MediaFile.of(url), dir)).as(url)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aConnectionRefusedIsATransportError() throws Exception {
        int port;
        try (Simulator closed = Simulator.builder().start()) {
            port = closed.port();
        }
        assertThatThrownBy(() -> client.download(MediaFile.of("http://127.0.0.1:" + port + "/x.png?sig=secret"), dir))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.requestSent()).isFalse();
                    assertThat(e.getMessage()).contains("/x.png").doesNotContain("secret");
                });
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void nothingHappensBeforeSubscription() throws Exception {
        MediaFile file = JobOutput.of(audio()).audio().get(0).file();
        client.async().download(file, dir);
        client.async().downloadAll(audio(), dir);
        assertThat(sim.journal().count(Endpoint.MEDIA)).isZero();
        assertThat(filesIn(dir)).isEmpty();
    }
}
