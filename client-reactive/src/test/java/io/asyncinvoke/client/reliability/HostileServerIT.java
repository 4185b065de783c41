package io.asyncinvoke.client.reliability;

import static io.asyncinvoke.client.reliability.Harness.await;
import static io.asyncinvoke.client.reliability.Harness.image;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.reliability.Harness.Outcome;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Answer;
import io.asyncinvoke.simulator.Script;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile or broken service can do with its answers' rate-limit headers, over real HTTP:
 * one answer must never freeze, throttle or break a client for good, and never lose a job the
 * service accepted.
 */
@ExtendWith(RuntimeGuards.class)
class HostileServerIT {

    private static final String JOB = "{\"request_id\":\"job-1\",\"status\":\"QUEUED\",\"model_id\":\"m\"}";
    private static final String TOO_MANY = "{\"id\":\"too_many_requests\",\"message\":\"slow down\"}";

    /** As an application has it: the request budget on, with the default limits. */
    private static AsyncInvokeClientBuilder client(Simulator server) {
        return Harness.client(server.baseUrl()).requestBudget(RequestBudgetOptions.defaults());
    }

    private static Script firstThen(Answer first, Answer then) {
        return Script.of(first).otherwise(then);
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"3600", "99999999999999999999", "Sat, 31 Dec 2033 23:59:59 GMT"})
    void aLongRetryAfterFailsThatCallAndLaterOnesFastInsteadOfHangingThem(String retryAfter) {
        try (Simulator server = Harness.scripted(firstThen(Answer.json(429, TOO_MANY).header("Retry-After", retryAfter),
                Answer.json(200, JOB)))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            RateLimitedException first = await(client.get("job-1")).error(RateLimitedException.class);
            Outcome<Job> later = await(client.get("job-1"));
            Outcome<Job> submit = await(client.submit(image("later")));

            assertThat(first.retryAfter().orElse(null)).isLessThanOrEqualTo(Duration.ofHours(1)).isGreaterThan(Duration.ofMinutes(50));
            assertThat(later.error(RateLimitedException.class).retryAfter().orElse(null)).isGreaterThan(Duration.ofMinutes(50));
            assertThat(later.took).as("fails at once, sends nothing").isLessThan(Duration.ofSeconds(1));
            assertThat(submit.error).as("a submit held back was not sent: it is rate limited, not unknown")
                    .isInstanceOf(RateLimitedException.class);
            assertThat(server.journal().requests()).hasSize(1);
        }
    }

    @Test
    void aTooManyRequestsOnSubmitWithAnAbsurdRetryAfterIsRateLimitedNotAnUnknownOutcome() {
        try (Simulator server = Harness.scripted(request ->
                Answer.json(429, TOO_MANY).header("Retry-After", "99999999999999999999"))) {
            Throwable error = await(client(server).buildAsyncClient().submit(image("x"))).error;

            assertThat(error).isInstanceOf(RateLimitedException.class);
            assertThat(server.journal().requests()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "ratelimit-reset: {0}")
    @ValueSource(strings = {"253402300799", "1999999999", "99999999999999999999999"})
    void anAcceptedJobIsNeverLostToAnAbsurdReset(String reset) {
        try (Simulator server = Harness.scripted(request -> Answer.json(202, JOB)
                .header("ratelimit-limit", "250").header("ratelimit-remaining", "0").header("ratelimit-reset", reset)
                .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-reset-requests", reset))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            Job job = await(client.submit(image("keep me"))).value();
            Outcome<Job> next = await(client.get("job-1"));

            assertThat(job.getRequestId()).isEqualTo("job-1");
            if (!reset.equals("99999999999999999999999")) {
                // a reset years away asks for a hold: clamped to an hour, longer than a call waits
                assertThat(next.error(RateLimitedException.class).retryAfter().orElse(null)).isLessThanOrEqualTo(Duration.ofHours(1));
                assertThat(next.took).isLessThan(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void oneAnswerWithATinyLimitDoesNotThrottleTheClientOnceTheServiceSaysOtherwise() {
        try (Simulator server = Harness.scripted(firstThen(
                Answer.json(200, JOB).header("ratelimit-limit", "2").header("ratelimit-remaining", "1"),
                Answer.json(200, JOB).header("ratelimit-limit", "250").header("ratelimit-remaining", "240")))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();
            long start = System.nanoTime();

            for (int i = 0; i < 12; i++) {
                assertThat(await(client.get("job-1")).value().getRequestId()).isEqualTo("job-1");
            }

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not one request a minute")
                    .isLessThan(Duration.ofSeconds(30));
        }
    }

    // ------------------------------------------------------------------ answers that are too large

    @Test
    void anAnswerDeclaringMoreThanTheLimitFailsAtOnceAsADecodeErrorNotRetried() {
        byte[] big = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        try (Simulator server = Harness.scripted(request -> Answer.of(200, "application/json", big))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            Outcome<Job> get = await(client.get("job-1"));
            Throwable submit = await(client.submit(image("big"))).error;

            assertThat(get.error(io.asyncinvoke.client.DecodeException.class)).hasMessageContaining("4194304 bytes");
            assertThat(get.took).isLessThan(Duration.ofSeconds(5));
            assertThat(submit).as("a 2xx to a submit may have created the job")
                    .isInstanceOf(io.asyncinvoke.client.SubmitOutcomeUnknownException.class);
            assertThat(server.journal().requests()).as("not retried: it would only come again").hasSize(2);
        }
    }

    @Test
    void anEndlessAnswerIsCutAtTheLimitPromptlyAndItsConnectionClosed() {
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try (Simulator endless = Harness.scripted(request ->
                Answer.endless(200, "application/json", chunk, Duration.ofMillis(1)))) {
            java.util.function.LongSupplier closed = () -> endless.acceptedConnections() - endless.openConnections();
            AsyncInvokeAsyncClient client = Harness.client(endless.baseUrl())
                    .maxResponseBytes(256 * 1024).responseTimeout(Duration.ofSeconds(30)).buildAsyncClient();

            Outcome<Job> get = await(client.get("job-1"));

            assertThat(get.error(io.asyncinvoke.client.DecodeException.class)).hasMessageContaining("262144 bytes");
            assertThat(get.took).as("cut when the limit is reached, not at the response timeout")
                    .isLessThan(Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (closed.getAsLong() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(closed.getAsLong()).as("the connection left mid-answer is closed, not reused").isPositive();
        }
    }

    // ------------------------------------------------------------------ request ids from the service

    @ParameterizedTest(name = "request_id {0}")
    @ValueSource(strings = {"..", ".", "a b", "line\\nbreak", "LONG"})
    void aMalformedRequestIdFromTheServiceIsADecodeErrorAndIsNeverPolled(String id) {
        String answered = id.equals("LONG") ? "x".repeat(5000) : id;
        String body = "{\"request_id\":\"" + answered + "\",\"status\":\"QUEUED\",\"model_id\":\"m\"}";
        try (Simulator server = Harness.scripted(request -> Answer.json(202, body))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            Harness.WatchResult watch = Harness.awaitWatch(client.submitAndWatch(image("odd id")));

            assertThat(watch.error).isInstanceOf(io.asyncinvoke.client.SubmitOutcomeUnknownException.class)
                    .hasCauseInstanceOf(io.asyncinvoke.client.DecodeException.class);
            assertThat(server.journal().requests()).as("the submit only; no poll of an odd path").hasSize(1);
        }
    }

    @Test
    void anAnswerAboutAnotherJobIsADecodeError() {
        try (Simulator server = Harness.scripted(request -> Answer.json(200,
                "{\"request_id\":\"job-2\",\"status\":\"COMPLETED\",\"model_id\":\"m\",\"output\":{}}"))) {
            AsyncInvokeAsyncClient client = client(server).buildAsyncClient();

            assertThat(await(client.get("job-1")).error(io.asyncinvoke.client.DecodeException.class))
                    .hasMessageContaining("another job").hasMessageContaining("job-2");
            assertThat(Harness.awaitWatch(client.watch("job-1")).error)
                    .isInstanceOf(io.asyncinvoke.client.DecodeException.class);
        }
    }

    // ------------------------------------------------------------------ TLS

    /** A TLS server whose certificate nobody trusts: a key pair made by the JDK's keytool for the test. */
    private static reactor.netty.DisposableServer untrustedTlsServer(java.nio.file.Path dir,
                                                                     AtomicInteger connections) throws Exception {
        java.nio.file.Path store = dir.resolve("untrusted.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "untrusted", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory managers = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        io.netty.handler.ssl.SslContext tls = io.netty.handler.ssl.SslContextBuilder.forServer(managers).build();
        return reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(tls))
                .doOnChannelInit((observer, channel, remote) -> connections.incrementAndGet())
                .handle((req, res) -> res.header("content-type", "application/json").sendString(reactor.core.publisher.Mono.just(JOB)))
                .bindNow();
    }

    @Test
    void anUntrustedCertificateIsRefusedOnceNotRetriedAndNothingIsSent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AtomicInteger connections = new AtomicInteger();
        reactor.netty.DisposableServer server = untrustedTlsServer(dir, connections);
        try {
            AsyncInvokeAsyncClient client = Harness.client("https://127.0.0.1:" + server.port()).buildAsyncClient();

            io.asyncinvoke.client.TransportException get = await(client.get("job-1"))
                    .error(io.asyncinvoke.client.TransportException.class);
            Throwable submit = await(client.submit(image("tls"))).error;

            assertThat(get.requestSent()).isFalse();
            assertThat(get).hasMessageContaining("TLS handshake");
            assertThat(submit).as("refused before anything was sent: not an unknown outcome")
                    .isInstanceOf(io.asyncinvoke.client.TransportException.class);
            assertThat(connections).as("one attempt each, no retries of a refused certificate").hasValue(2);
        } finally {
            server.disposeNow();
        }
    }

    // ------------------------------------------------------------------ load without a budget

    @Test
    void twoThousandWatchesWithTheBudgetOffWaitForConnectionsInsteadOfFailing() {
        try (io.asyncinvoke.simulator.Simulator sim = Harness.simulator().runningFor(Duration.ofSeconds(2)).journal(false)
                .start()) {
            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl()).buildAsyncClient();
            String id = await(client.submit(image("watched by many"))).value().getRequestId();

            java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Long completed = reactor.core.publisher.Flux.range(0, 2000)
                    .flatMap(i -> client.watch(id).last().doOnError(errors::add).onErrorResume(e -> reactor.core.publisher.Mono.empty()),
                            2000)
                    .count().block(Duration.ofMinutes(2));

            assertThat(errors).as("errors (the first: %s)", errors.isEmpty() ? "none" : errors.get(0)).isEmpty();
            assertThat(completed).isEqualTo(2000);
        }
    }
}
