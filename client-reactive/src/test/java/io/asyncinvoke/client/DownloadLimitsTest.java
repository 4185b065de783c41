package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a media host can no longer do to a download: grow it past a limit, drag it out, leave part files. */
class DownloadLimitsTest {

    @TempDir
    Path dir;

    /** Sends 16 KiB every millisecond, forever, on every request; its journal counts the requests. */
    private Simulator endless;

    @BeforeEach
    void start() {
        endless = Simulator.builder()
                .dispatcher(request -> Answer.endless(200, "image/png", new byte[16 * 1024], Duration.ofMillis(1)))
                .start();
    }

    @AfterEach
    void stop() {
        endless.close();
    }

    private static AsyncInvokeAsyncClient client() {
        return new AsyncInvokeClientBuilder().endpoint("http://127.0.0.1:1").apiKey("sk-do-limits-test")
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(10)).withMaxBackoff(Duration.ofMillis(20)))
                .buildAsyncClient();
    }

    private static MediaFile file(String url, Long fileSize) {
        return new MediaFile(url, "image/png", null, fileSize, "images[0]", "job-1", 0);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private String endlessUrl() {
        return endless.baseUrl() + "/x.png";
    }

    @Test
    void aBodyLongerThanTheStatedFileSizeIsCutOffAndFailsLeavingNothing() throws IOException {
        long start = System.nanoTime();

        assertThatThrownBy(() -> client().download(file(endlessUrl(), 10L), dir).block(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(DownloadException.class, e -> {
                    assertThat(e).hasMessageContaining("10 bytes the output stated");
                    assertThat(e.requestId()).contains("job-1");
                });

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(files()).isEmpty();
        assertThat(endless.journal().count(Endpoint.ANY)).as("not retried: it would come again").isEqualTo(1);
    }

    @Test
    void anEndlessBodyStopsAtTheSizeLimit() throws IOException {
        DownloadOptions oneMiB = DownloadOptions.defaults().withMaxBytes(1024 * 1024);

        assertThatThrownBy(() -> client().download(file(endlessUrl(), null), dir, oneMiB).block(Duration.ofSeconds(20)))
                .isInstanceOf(DownloadException.class).hasMessageContaining("DownloadOptions.maxBytes");

        assertThat(files()).isEmpty();
    }

    @Test
    void aDeclaredLengthOverTheLimitFailsBeforeAnyByteIsWritten() throws IOException {
        try (Simulator server = Simulator.builder().dispatcher(request -> Answer.of(200, "image/png", "x".repeat(5000)))
                .start()) {

            assertThatThrownBy(() -> client().download(MediaFile.of(server.baseUrl() + "/x.png"), dir,
                    DownloadOptions.defaults().withMaxBytes(1000)).block(Duration.ofSeconds(20)))
                    .isInstanceOf(DownloadException.class).hasMessageContaining("declares 5000 bytes");
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void aDownloadThatOutlivesItsTimeoutEndsAndLeavesNothing() throws IOException {
        DownloadOptions quick = DownloadOptions.defaults().withTimeout(Duration.ofMillis(500));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client().download(file(endlessUrl(), null), dir, quick).block(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.isTimeout()).isTrue();
                    assertThat(e).hasMessageContaining("500ms");
                });

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // the cancel at the deadline deletes the part file off the event loop, a moment after the error
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!files().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void partFilesStillBeingWrittenAreDeletedByTheShutdownCleanup() throws Exception {
        reactor.core.Disposable download = client().download(file(endlessUrl(), null), dir).subscribe(p -> { }, e -> { });
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (files().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(files()).singleElement().satisfies(name -> assertThat(name).endsWith(".part"));

            MediaDownloader.PartFile.discardAllLive(); // what the JVM's shutdown hook runs on Ctrl-C

            assertThat(files()).isEmpty();
        } finally {
            download.dispose();
        }
    }

    @Test
    void aNameTheFileSystemRefusesFallsBackToThePlainOne() throws IOException {
        MediaDownloader.PartFile part = MediaDownloader.PartFile.create(dir);
        part.write("png".getBytes(StandardCharsets.UTF_8));

        Path saved = part.moveTo("bad\u0000name.png", "job-1-0.png");

        assertThat(saved.getFileName().toString()).isEqualTo("job-1-0.png");
        assertThat(files()).containsExactly("job-1-0.png");
    }

    @Test
    void namesAreCappedInBytesAndWindowsDeviceNamesAreRenamed() {
        String han = "\u6f22".repeat(300) + ".wav";
        String capped = MediaFileNames.safe(han);
        assertThat(capped.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MediaFileNames.MAX_BYTES);
        assertThat(capped).endsWith(".wav");
        for (String reserved : new String[] {"CON", "nul.txt", "com1", "LPT9.png", "Aux.tar.gz"}) {
            assertThat(MediaFileNames.safe(reserved)).as(reserved).isEqualTo("_" + reserved);
        }
        assertThat(MediaFileNames.safe("console.png")).isEqualTo("console.png");
    }

    @Test
    void redirectsThatAreNotFollowedSayWhy() {
        try (Simulator server = Simulator.builder().dispatcher(r -> r.rawPath().startsWith("/ftp")
                ? Answer.of(302, "text/plain", "").header("Location", "ftp://media.example/x.png")
                : r.rawPath().startsWith("/none") ? Answer.of(302, "text/plain", "")
                : Answer.of(302, "text/plain", "").header("Location", "/loop" + r.rawPath().length())).start()) {

            assertThatThrownBy(() -> client().download(MediaFile.of(server.baseUrl() + "/ftp.png"), dir).block())
                    .hasMessageContaining("a redirect to a ftp: URL, which is not followed");
            assertThatThrownBy(() -> client().download(MediaFile.of(server.baseUrl() + "/none.png"), dir).block())
                    .hasMessageContaining("without a Location");
            assertThatThrownBy(() -> client().download(MediaFile.of(server.baseUrl() + "/loop.png"), dir).block())
                    .hasMessageContaining("redirected 10 times already");
        }
    }

    @Test
    void downloadOptionsAreAnImmutableValue() {
        DownloadOptions a = DownloadOptions.defaults().withMaxBytes(5).withTimeout(Duration.ofSeconds(3));
        assertThat(a).isEqualTo(DownloadOptions.defaults().withTimeout(Duration.ofSeconds(3)).withMaxBytes(5))
                .hasSameHashCodeAs(DownloadOptions.defaults().withTimeout(Duration.ofSeconds(3)).withMaxBytes(5));
        assertThat(DownloadOptions.defaults().maxBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThatThrownBy(() -> DownloadOptions.defaults().withMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
