package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static io.asyncinvoke.simulator.TestHttp.segment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingTest {

    private Simulator sim;
    private TestHttp http;

    @BeforeEach
    void start() {
        sim = Simulator.builder().queuedFor(Duration.ofSeconds(10)).start();
        http = new TestHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static void assertNotFound(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).isEqualTo("not_found");
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("request_id").asText()).hasSize(36);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("ratelimit-limit")).isPresent();
    }

    @Test
    void unknownIdsAnswer404WithAFreshRequestIdEachTime() {
        HttpResponse<String> a = http.status("6590784a-ce47-4556-9ff4-53baff2693fb");
        HttpResponse<String> b = http.job("6590784a-ce47-4556-9ff4-53baff2693fb");
        assertNotFound(a);
        assertNotFound(b);
        assertThat(json(a).get("request_id")).isNotEqualTo(json(b).get("request_id"));
    }

    @Test
    void expiredJobsAnswer404() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertThat(http.status(id).statusCode()).isEqualTo(200);
        assertThat(sim.expire(id)).isTrue();
        assertThat(sim.expire(id)).isFalse();
        assertNotFound(http.status(id));
        assertNotFound(http.job(id));
        assertThat(sim.job(id)).isEmpty();
    }

    @Test
    void unknownPathsAnswer404Envelopes() {
        for (String path : List.of("/", "/v1", "/v2/async-invoke", "/v1/async-invoke/", "/v1/async-invoke//status",
                "/v1/async-invoke/x/status/extra", "/v1/async-invoke/x/result")) {
            HttpResponse<String> r = http.get(path);
            assertNotFound(r);
            assertThat(sim.journal().last().endpoint()).as(path).isEqualTo(Endpoint.OTHER);
        }
    }

    @Test
    void wrongMethodsAnswer405Envelopes() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        HttpResponse<String> getRoot = http.get("/v1/async-invoke");
        assertThat(getRoot.statusCode()).isEqualTo(405);
        assertThat(json(getRoot).get("id").asText()).isEqualTo("method_not_allowed");
        assertThat(getRoot.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> deleteJob = http.send(http.api("/v1/async-invoke/" + id).DELETE().build());
        assertThat(deleteJob.statusCode()).isEqualTo(405);
        assertThat(deleteJob.headers().firstValue("allow")).hasValue("GET");
        HttpResponse<String> postStatus = http.send(http.api("/v1/async-invoke/" + id + "/status")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(postStatus.statusCode()).isEqualTo(405);
        assertThat(sim.journal().count(Endpoint.OTHER)).isEqualTo(3);
        assertThat(sim.jobCount()).isEqualTo(1);
    }

    @Test
    void anEncodedSlashStaysInsideTheIdAndRoutesNowhereElse() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        // "<id>/status" as ONE encoded segment is the whole-job read of a job named "<id>/status"
        HttpResponse<String> r = http.get("/v1/async-invoke/" + id + "%2Fstatus");
        assertNotFound(r);
        RecordedRequest rec = sim.journal().last();
        assertThat(rec.endpoint()).isEqualTo(Endpoint.GET);
        assertThat(rec.requestId()).isEqualTo(id + "/status");
        assertThat(rec.rawPath()).isEqualTo("/v1/async-invoke/" + id + "%2Fstatus");
        // and an encoded "../<id>" does not climb back to the real job
        assertNotFound(http.get("/v1/async-invoke/..%2F" + id + "/status"));
        assertThat(sim.journal().last().requestId()).isEqualTo("../" + id);
    }

    @Test
    void idsAreDecodedExactlyOnce() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertNotFound(http.get("/v1/async-invoke/" + id.substring(0, 8) + "%252D" + id.substring(9) + "/status"));
        assertThat(sim.journal().last().requestId()).isEqualTo(id.substring(0, 8) + "%2D" + id.substring(9));
        // once-encoded characters that need no encoding still find the job
        HttpResponse<String> r = http.get("/v1/async-invoke/" + id.substring(0, 8) + "%2D" + id.substring(9) + "/status");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "?q", "#frag", "x y+z", "ünïcødé-✓", "%41", "..", "a;b=c"})
    void hostileIdsArriveEscapedAndDecodeToThemselves(String hostile) {
        HttpResponse<String> r = http.status(hostile);
        assertNotFound(r);
        RecordedRequest rec = sim.journal().last();
        assertThat(rec.endpoint()).isEqualTo(Endpoint.STATUS);
        assertThat(rec.requestId()).isEqualTo(hostile);
        assertThat(rec.rawPath()).isEqualTo("/v1/async-invoke/" + segment(hostile) + "/status");
        String encodedId = rec.rawPath().substring("/v1/async-invoke/".length(),
                rec.rawPath().length() - "/status".length());
        assertThat(encodedId).doesNotContain("/", "?", "#", " ");
    }

    @Test
    void aVeryLongIdIsStillOneSegment() {
        String longId = "x".repeat(6000) + "/y";
        HttpResponse<String> r = http.status(longId);
        assertNotFound(r);
        assertThat(sim.journal().last().requestId()).isEqualTo(longId);
    }

    @Test
    void anUnencodedQueryIsNotPartOfTheId() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        HttpResponse<String> r = http.get("/v1/async-invoke/" + id + "/status?verbose=1");
        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest rec = sim.journal().last();
        assertThat(rec.requestId()).isEqualTo(id);
        assertThat(rec.rawPath()).endsWith("/status?verbose=1");
        // a client that forgot to encode "?" in an id reaches a different path, visibly so in the journal
        assertNotFound(http.get("/v1/async-invoke/?q/status"));
        assertThat(sim.journal().last().rawPath()).isEqualTo("/v1/async-invoke/?q/status");
        assertThat(sim.journal().last().endpoint()).isEqualTo(Endpoint.OTHER);
    }

    @Test
    void invalidPercentEncodingIsABadRequest() throws IOException {
        String response = TestHttp.raw(sim.port(), "GET /v1/async-invoke/%ZZ/status HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + sim.apiKey() + "\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("bad_request");
        assertThat(sim.journal().last().rawPath()).isEqualTo("/v1/async-invoke/%ZZ/status");
    }

    @Test
    void rawNonAsciiBytesInThePathAreKeptAsUtf8() throws IOException {
        String utf8AsLatin1 = new String("é".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String response = TestHttp.raw(sim.port(), "GET /v1/async-invoke/" + utf8AsLatin1 + "/status HTTP/1.1\r\n"
                + "Host: x\r\nAuthorization: Bearer " + sim.apiKey() + "\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404");
        assertThat(sim.journal().last().requestId()).isEqualTo("é");
    }

    @Test
    void aSimulatorWithoutTheStatusRouteAnswers404ThereAndServesTheJobById() {
        try (Simulator bare = Simulator.builder().statusEndpoint(false).start()) {
            TestHttp http = new TestHttp(bare);
            String id = http.submitId(TestHttp.IMAGE_MODEL, "{}");
            HttpResponse<String> status = http.status(id);
            assertNotFound(status);
            assertThat(http.job(id).statusCode()).isEqualTo(200);
            assertThat(bare.journal().count(Endpoint.STATUS)).isEqualTo(1);
            assertThat(bare.journal().countStatus(404)).isEqualTo(1);
        }
    }
}
