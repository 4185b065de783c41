package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultsTest {

    private Simulator sim;
    private TestHttp http;
    private String id;

    @BeforeEach
    void start() {
        sim = Simulator.builder().seed(42).queuedFor(Duration.ofSeconds(30)).start();
        http = new TestHttp(sim);
        id = http.submitId(IMAGE_MODEL, "{\"prompt\":\"p\"}");
        sim.journal().clear();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** A request on a brand-new client: the JDK client silently retries some failures on reused connections. */
    private HttpResponse<String> onFreshClient(HttpRequest request) throws IOException, InterruptedException {
        HttpClient fresh = TestHttp.newClient();
        return fresh.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest statusRequest() {
        return http.api("/v1/async-invoke/" + id + "/status").GET().build();
    }

    private HttpRequest submitRequest(Duration timeout) {
        return http.api("/v1/async-invoke").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model_id\":\"m\",\"input\":{}}")).build();
    }

    @Test
    void aStatusFaultHitsOnlyItsEndpointAndOnlyNTimes() {
        sim.inject(Fault.status(503).on(Endpoint.STATUS).times(3));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.status(id);
            assertThat(r.statusCode()).isEqualTo(503);
            JsonNode body = json(r);
            assertThat(body.get("id").asText()).isEqualTo("service_unavailable");
            assertThat(body.get("request_id").asText()).hasSize(36);
            assertThat(r.headers().firstValue("ratelimit-limit")).isPresent();
            assertThat(http.job(id).statusCode()).as("GET is not targeted").isEqualTo(200);
        }
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(sim.journal().faultsApplied()).isEqualTo(3);
        assertThat(sim.journal().countStatus(503)).isEqualTo(3);
        assertThat(sim.journal().requests(Endpoint.STATUS).get(0).fault().kind()).isEqualTo(Fault.Kind.STATUS);
    }

    @ParameterizedTest
    @CsvSource({"500, server_error", "502, bad_gateway", "504, gateway_timeout", "404, not_found"})
    void statusFaultsCarryTheEnvelope(int status, String errorId) {
        sim.inject(Fault.status(status).times(1));
        HttpResponse<String> r = http.job(id);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(json(r).get("id").asText()).isEqualTo(errorId);
    }

    @Test
    void rateLimitedAnswers429WithRetryAfter() {
        sim.inject(Fault.rateLimited(Duration.ofMillis(1500)).times(1));
        long before = Instant.now().getEpochSecond();
        HttpResponse<String> r = http.status(id);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).get("id").asText()).isEqualTo("too_many_requests");
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue("0");
        assertThat(Long.parseLong(r.headers().firstValue("ratelimit-reset").orElseThrow()))
                .isBetween(before + 1, before + 3);
        assertThat(http.status(id).statusCode()).isEqualTo(200);
    }

    @Test
    void aRateLimitedSubmitCreatesNoJobByDefault() {
        sim.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.SUBMIT).times(1));
        assertThat(http.submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(429);
        assertThat(sim.jobCount()).isEqualTo(1);
    }

    @Test
    void aSubmitFaultBeforeProcessingCreatesNoJob() {
        sim.inject(Fault.status(503).on(Endpoint.SUBMIT).times(1));
        assertThat(http.submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(503);
        assertThat(sim.jobCount()).isEqualTo(1);
    }

    @Test
    void aSubmitFaultAfterProcessingCreatesTheJobAnyway() {
        Fault fault = Fault.status(503).on(Endpoint.SUBMIT).afterProcessing().times(1);
        assertThat(fault.isAfterProcessing()).isTrue();
        sim.inject(fault);
        assertThat(http.submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(503);
        assertThat(sim.jobCount()).isEqualTo(2);
    }

    @Test
    void htmlErrorPagesLookLikeAProxy() {
        sim.inject(Fault.htmlErrorPage(502).times(1));
        HttpResponse<String> r = http.status(id);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html");
        assertThat(r.body()).startsWith("<html>").contains("502 Bad Gateway");
        assertThat(r.headers().firstValue("ratelimit-limit")).isEmpty();
    }

    @Test
    void connectionResetSendsNoResponse() throws Exception {
        sim.inject(Fault.connectionReset().on(Endpoint.SUBMIT).times(1));
        // a POST, which the JDK client does not retry by itself
        assertThatThrownBy(() -> onFreshClient(submitRequest(Duration.ofSeconds(5)))).isInstanceOf(IOException.class);
        RecordedRequest rec = sim.journal().requests(Endpoint.SUBMIT).get(0);
        assertThat(rec.status()).isZero();
        assertThat(rec.fault().kind()).isEqualTo(Fault.Kind.CONNECTION_RESET);
        assertThat(sim.jobCount()).isEqualTo(1);
        assertThat(onFreshClient(submitRequest(Duration.ofSeconds(5))).statusCode()).isEqualTo(202);
    }

    @Test
    void connectionResetSendsNotASingleByte() throws IOException {
        sim.inject(Fault.connectionReset().on(Endpoint.STATUS));
        long t0 = System.nanoTime();
        String raw = TestHttp.raw(sim.port(), "GET /v1/async-invoke/" + id + "/status HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + sim.apiKey() + "\r\n\r\n");
        assertThat(raw).isEmpty();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("closed at once, not timed out").isLessThan(1500);
    }

    @Test
    void connectionResetMidResponseCutsTheBody() {
        sim.inject(Fault.connectionResetMidResponse().on(Endpoint.GET).times(1));
        HttpRequest request = http.api("/v1/async-invoke/" + id).GET().build();
        assertThatThrownBy(() -> onFreshClient(request)).isInstanceOf(IOException.class);
        RecordedRequest rec = sim.journal().requests(Endpoint.GET).get(0);
        assertThat(rec.status()).isEqualTo(200);
        assertThat(rec.fault().kind()).isEqualTo(Fault.Kind.CONNECTION_RESET_MID_RESPONSE);
    }

    @Test
    void resetMidResponseSendsHeadersAndPartOfTheBodyFirst() throws IOException {
        sim.inject(Fault.connectionResetMidResponse().on(Endpoint.STATUS));
        String raw = TestHttp.raw(sim.port(), "GET /v1/async-invoke/" + id + "/status HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + sim.apiKey() + "\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200");
        String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        int length = Integer.parseInt(raw.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
        assertThat(body).isNotEmpty().startsWith("{\"request_id\"");
        assertThat(body.length()).isLessThan(length);
    }

    @Test
    void delayAnswersLate() {
        sim.inject(Fault.delay(Duration.ofMillis(300)).on(Endpoint.STATUS).times(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.status(id);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(300);
        assertThat(sim.journal().requests(Endpoint.STATUS).get(0).fault().kind()).isEqualTo(Fault.Kind.DELAY);
    }

    @Test
    void hangNeverAnswersAndASubmitHangBeforeProcessingCreatesNoJob() {
        sim.inject(Fault.hang().on(Endpoint.SUBMIT).times(1));
        assertThatThrownBy(() -> http.client.send(submitRequest(Duration.ofMillis(300)),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.jobCount()).isEqualTo(1);
        RecordedRequest rec = sim.journal().requests(Endpoint.SUBMIT).get(0);
        assertThat(rec.status()).isZero();
        assertThat(rec.fault().kind()).isEqualTo(Fault.Kind.HANG);
    }

    @Test
    void hangAfterProcessingCreatesTheJobButNeverAnswers() {
        sim.inject(Fault.hang().on(Endpoint.SUBMIT).afterProcessing().times(1));
        assertThatThrownBy(() -> http.client.send(submitRequest(Duration.ofMillis(300)),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.jobCount()).isEqualTo(2);
    }

    @Test
    void trickleSendsTheRealBodySlowly() {
        String expected = http.job(id).body();
        sim.inject(Fault.trickle(Duration.ofMillis(20), 64).on(Endpoint.GET).times(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.job(id);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
        int chunks = (expected.length() + 63) / 64;
        assertThat(took).isGreaterThanOrEqualTo(chunks * 20L - 5);
    }

    @Test
    void truncatedJsonKeepsTheFramingButCutsTheDocument() {
        String full = http.job(id).body();
        sim.inject(Fault.truncatedJson().on(Endpoint.GET).times(1));
        HttpResponse<String> r = http.job(id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().length());
        assertThat(r.body()).isEqualTo(full.substring(0, full.length() / 2));
        assertThatThrownBy(() -> TestHttp.JSON.readTree(r.body())).isInstanceOf(IOException.class);
    }

    @Test
    void malformedJsonIsNotJson() {
        sim.inject(Fault.malformedJson().on(Endpoint.STATUS).times(1));
        HttpResponse<String> r = http.status(id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThatThrownBy(() -> TestHttp.JSON.readTree(r.body())).isInstanceOf(IOException.class);
    }

    @Test
    void aTruncatedSubmitStillCreatesTheJob() {
        sim.inject(Fault.truncatedJson().on(Endpoint.SUBMIT).beforeProcessing().times(1));
        assertThat(http.submit(IMAGE_MODEL, "{}").statusCode()).isEqualTo(202);
        assertThat(sim.jobCount()).as("mangling faults always process first").isEqualTo(2);
    }

    private List<Integer> statusesUnderRate(long seed, int requests) {
        List<Integer> statuses = new ArrayList<>();
        try (Simulator s = Simulator.builder().seed(seed).queuedFor(Duration.ofSeconds(30)).start()) {
            TestHttp h = new TestHttp(s);
            String job = h.submitId(IMAGE_MODEL, "{}");
            s.inject(Fault.status(500).on(Endpoint.STATUS).rate(0.3));
            for (int i = 0; i < requests; i++) {
                statuses.add(h.status(job).statusCode());
            }
        }
        return statuses;
    }

    @Test
    void rateFaultsFireAtRoughlyTheirRateAndReproduciblyWithASeed() {
        List<Integer> first = statusesUnderRate(7, 200);
        long failures = first.stream().filter(s -> s == 500).count();
        assertThat(failures).isBetween(30L, 95L);
        assertThat(first).containsOnly(200, 500);
        assertThat(statusesUnderRate(7, 200)).isEqualTo(first);
    }

    @Test
    void rateAndTimesCombine() {
        sim.inject(Fault.status(500).rate(0.5).times(2));
        int failures = 0;
        for (int i = 0; i < 60; i++) {
            failures += http.status(id).statusCode() == 500 ? 1 : 0;
        }
        assertThat(failures).isEqualTo(2);
    }

    @Test
    void afterLetsTheFirstRequestsThrough() {
        sim.inject(Fault.status(503).on(Endpoint.STATUS).after(2).times(1));
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(http.status(id).statusCode()).isEqualTo(503);
        assertThat(http.status(id).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTargetsOneJob() {
        String other = http.submitId(IMAGE_MODEL, "{}");
        sim.inject(Fault.status(500).when(r -> other.equals(r.requestId())));
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(http.status(other).statusCode()).isEqualTo(500);
        assertThat(http.job(other).statusCode()).isEqualTo(500);
    }

    @Test
    void theFirstInjectedFaultWinsAndClearFaultsRemovesThemAll() {
        sim.inject(Fault.status(502)).inject(Fault.status(504));
        assertThat(http.status(id).statusCode()).isEqualTo(502);
        sim.clearFaults();
        assertThat(http.status(id).statusCode()).isEqualTo(200);
    }

    @Test
    void anyAlsoCoversMediaAndMediaCanBeTargetedAlone() {
        sim.overrideStatus(id, "COMPLETED");
        String url = sim.mediaBaseUrl() + "/media/" + id + "/0.png";
        sim.inject(Fault.status(503).on(Endpoint.MEDIA).times(1));
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(http.media(url, null).statusCode()).isEqualTo(503);
        assertThat(http.media(url, null).statusCode()).isEqualTo(200);
        sim.inject(Fault.status(500).times(2));
        assertThat(http.media(url, null).statusCode()).isEqualTo(500);
        assertThat(http.status(id).statusCode()).isEqualTo(500);
    }

    @Test
    void faultsValidateTheirArguments() {
        assertThatThrownBy(() -> Fault.status(200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.htmlErrorPage(302)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.status(500).rate(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.status(500).times(-1)).isInstanceOf(IllegalArgumentException.class);
        Fault f = Fault.status(503).on(Endpoint.STATUS).times(3);
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.endpoint()).isEqualTo(Endpoint.STATUS);
        assertThat(f.isAfterProcessing()).isFalse();
        assertThat(f.toString()).contains("status(503)", "STATUS", "times 3");
        assertThat(Fault.trickle(Duration.ofMillis(1)).isAfterProcessing()).isTrue();
    }
}
