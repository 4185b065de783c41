package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** What a media host can no longer do to a download: grow it past a limit, drag it out, leave part files. */
class DownloadLimitsTest {

    @TempDir
    Path dir;

    /** Sends 16 KiB every millisecond, forever, on every request; counts requests. */
    private DisposableServer endless;
    private final AtomicInteger endlessRequests = new AtomicInteger();

    @BeforeEach
    void start() {
        byte[] chunk = new byte[16 * 1024];
        endless = HttpServer.create().host("127.0.0.1").port(0)
                .handle((req, res) -> {
                    endlessRequests.incrementAndGet();
                    return res.header("content-type", "image/png")
                            .send(Flux.interval(Duration.ofMillis(1)).map(n -> Unpooled.wrappedBuffer(chunk)));
                })
                .bindNow();
    }

    @AfterEach
    void stop() {
        endless.disposeNow();
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
        return "http://127.0.0.1:" + endless.port() + "/x.png";
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
        assertThat(endlessRequests).as("not retried: it would come again").hasValue(1);
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
        try (TestServer server = new TestServer()) {
            server.otherwise(r -> TestServer.Reply.of(200, "image/png", "x".repeat(5000)));

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
        try (TestServer server = new TestServer()) {
            server.otherwise(r -> r.uri.startsWith("/ftp")
                    ? TestServer.Reply.of(302, "text/plain", "").withHeader("Location", "ftp://media.example/x.png")
                    : r.uri.startsWith("/none") ? TestServer.Reply.of(302, "text/plain", "")
                    : TestServer.Reply.of(302, "text/plain", "").withHeader("Location", "/loop" + r.uri.length()));

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
