package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.KEY;
import static io.asyncinvoke.client.reliability.Harness.assertNoKey;
import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.awaitWatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.DownloadException;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.client.MediaFile;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;

/**
 * Output downloads under the same guards (paranoid leak detection, BlockHound): the key never
 * reaches a media host, redirected or not, even from an {@code HttpClient} that sets it; media
 * faults are retried or surface typed; nothing half-written is ever left behind.
 */
@ExtendWith(RuntimeGuards.class)
class DownloadsIT {

    @TempDir
    Path directory;

    private static Job completed(AsyncInvokeAsyncClient client, String prompt) {
        Harness.WatchResult watch = awaitWatch(client.submitAndWatch(Harness.image(prompt)));
        assertThat(watch.error).isNull();
        return watch.last().job().orElseThrow();
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).collect(Collectors.toList());
        }
    }

    @Test
    void downloadsNeverCarryTheKeyEvenFromAnHttpClientThatSetsIt() throws IOException {
        try (Simulator sim = Harness.simulator().start()) {
            HttpClient withKey = HttpClient.create().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + KEY));
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).httpClient(withKey).buildAsyncClient();
            Job image = completed(client, "an image");
            Job audio = awaitWatch(client.submitAndWatch(InvokeRequests.audio("fal-ai/stable-audio-25/text-to-audio")
                    .prompt("rain").secondsTotal(3).build())).last().job().orElseThrow();

            List<Path> saved = await(client.downloadAll(image, directory).concatWith(client.downloadAll(audio, directory))
                    .collectList()).value();

            assertThat(saved).hasSize(JobOutput.of(image).files().size() + JobOutput.of(audio).files().size()).isNotEmpty();
            for (Path path : saved) {
                assertThat(Files.size(path)).as(path.toString()).isPositive();
            }
            List<RecordedRequest> media = sim.journal().requests(Endpoint.MEDIA);
            assertThat(media).hasSize(saved.size());
            assertThat(media).allSatisfy(r -> assertThat(r.authorizationPresent()).as(r.rawPath()).isFalse());
            assertThat(sim.journal().requests(Endpoint.SUBMIT)).allSatisfy(r -> assertThat(r.authorizationValid()).isTrue());
            assertThat(leftovers()).isEmpty();
        }
    }

    @Test
    void mediaFaultsAreRetriedAndLeaveNoPartFiles() throws IOException {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim);
            Job job = completed(client, "faulted media");
            sim.inject(Fault.status(503).on(Endpoint.MEDIA).times(1));
            sim.inject(Fault.connectionResetMidResponse().on(Endpoint.MEDIA).times(1));
            sim.inject(Fault.htmlErrorPage(502).on(Endpoint.MEDIA).times(1));
            sim.inject(Fault.trickle(Duration.ofMillis(1), 512).on(Endpoint.MEDIA).times(1));

            List<Path> saved = await(client.downloadAll(job, directory).collectList()).value();

            assertThat(saved).hasSize(JobOutput.of(job).files().size());
            assertThat(sim.journal().faultsApplied()).isEqualTo(4);
            assertThat(leftovers()).isEmpty();
        }
    }

    @Test
    void downloadsThatKeepFailingSurfaceTypedAndLeaveNothing() throws IOException {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofMillis(300))
                    .buildAsyncClient();
            Job job = completed(client, "gone");
            MediaFile file = JobOutput.of(job).files().get(0);

            sim.inject(Fault.hang().on(Endpoint.MEDIA));
            TransportException hung = await(client.download(file, directory)).error(TransportException.class);
            assertThat(hung.isTimeout()).isTrue();
            assertThat(hung.requestId()).contains(job.getRequestId());
            assertThat(sim.journal().count(Endpoint.MEDIA)).isEqualTo(Harness.RETRY.maxAttempts());

            sim.clearFaults();
            sim.inject(Fault.status(404).on(Endpoint.MEDIA));
            DownloadException missing = await(client.download(file, directory)).error(DownloadException.class);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(sim.journal().count(Endpoint.MEDIA)).as("a 404 is not retried").isEqualTo(Harness.RETRY.maxAttempts() + 1);
            assertNoKey(hung);
            assertNoKey(missing);
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files).as("nothing written").isEmpty();
            }
        }
    }

    @Test
    void cancellingADownloadMidBodyLeavesNoPartFile() throws Exception {
        try (Simulator sim = Harness.simulator().start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).responseTimeout(Duration.ofSeconds(30))
                    .buildAsyncClient();
            Job job = completed(client, "slow media");
            sim.inject(Fault.trickle(Duration.ofMillis(50), 64).on(Endpoint.MEDIA));

            Disposable download = client.download(JobOutput.of(job).files().get(0), directory).subscribe();
            InvariantsIT.eventually("the part file exists", Duration.ofSeconds(10), () -> {
                try {
                    return !leftovers().isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            download.dispose();

            InvariantsIT.eventually("the part file is deleted", Duration.ofSeconds(10), () -> {
                try {
                    return leftovers().isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aRedirectedDownloadCarriesNoKeyToEitherHost() throws IOException {
        byte[] png = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
        try (Simulator storage = Harness.scripted(request -> Answer.of(200, "image/png", png));
             Simulator cdn = Harness.scripted(request -> Answer.of(302, "text/plain", new byte[0])
                     .header("location", "http://localhost:" + storage.port() + "/bucket/a.png?X-Sig=secret"))) {
            HttpClient withKey = HttpClient.create().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + KEY));
            AsyncInvokeAsyncClient client = Harness.client("http://127.0.0.1:1").httpClient(withKey).buildAsyncClient();
            MediaFile file = MediaFile.of(cdn.baseUrl() + "/files/a.png");

            Path saved = await(client.download(file, directory)).value();

            assertThat(Files.readAllBytes(saved)).isEqualTo(png);
            assertThat(cdn.journal().requests()).hasSize(1);
            assertThat(storage.journal().requests()).hasSize(1);
            assertThat(cdn.journal().requests().get(0).header("authorization")).isNull();
            assertThat(storage.journal().requests().get(0).header("authorization")).isNull();
        }
    }
}
