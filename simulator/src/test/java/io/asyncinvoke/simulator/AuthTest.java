package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static io.asyncinvoke.simulator.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthTest {

    private Simulator sim;
    private TestHttp http;

    @BeforeEach
    void start() {
        sim = Simulator.builder().apiKey("sk-do-test").queuedFor(Duration.ofSeconds(10)).start();
        http = new TestHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> statusWith(String id, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/async-invoke/" + id + "/status"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.GET().build());
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).isEqualTo("unauthorized");
        assertThat(body.get("message").asText()).isEqualTo("Unable to authenticate you.");
        assertThat(r.headers().firstValue("ratelimit-limit")).isPresent();
    }

    @Test
    void theConfiguredKeyIsAccepted() {
        assertThat(sim.apiKey()).isEqualTo("sk-do-test");
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertThat(statusWith(id, "Bearer sk-do-test").statusCode()).isEqualTo(200);
        assertThat(statusWith(id, "bearer sk-do-test").statusCode()).as("scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void missingWrongOrMalformedCredentialsAnswer401() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertUnauthorized(statusWith(id, null));
        assertUnauthorized(statusWith(id, "Bearer sk-do-other"));
        assertUnauthorized(statusWith(id, "sk-do-test"));
        assertUnauthorized(statusWith(id, "Basic c2stZG8tdGVzdA=="));
        assertUnauthorized(statusWith(id, "Bearer "));
        HttpResponse<String> submit = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/async-invoke"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model_id\":\"m\",\"input\":{}}")).build());
        assertUnauthorized(submit);
        assertThat(sim.jobCount()).as("an unauthorized submit creates no job").isEqualTo(1);
    }

    @Test
    void allThreeEndpointsCheckTheKey() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertUnauthorized(http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/async-invoke/" + id)).GET().build()));
        assertUnauthorized(statusWith(id, null));
        assertThat(http.job(id).statusCode()).isEqualTo(200);
    }

    @Test
    void revokingTheKeyMidWatchTurnsPollsInto401() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        assertThat(statusWith(id, "Bearer sk-do-test").statusCode()).isEqualTo(200);
        sim.revokeKey();
        assertThat(sim.apiKey()).isNull();
        assertUnauthorized(statusWith(id, "Bearer sk-do-test"));
        sim.setApiKey("sk-do-new");
        assertUnauthorized(statusWith(id, "Bearer sk-do-test"));
        assertThat(statusWith(id, "Bearer sk-do-new").statusCode()).isEqualTo(200);
    }

    @Test
    void theJournalRecordsAuthorizationPresenceAndValidity() {
        String id = http.submitId(IMAGE_MODEL, "{}");
        sim.journal().clear();
        statusWith(id, null);
        statusWith(id, "Bearer nope");
        statusWith(id, "Bearer sk-do-test");
        var polls = sim.journal().pollsFor(id);
        assertThat(polls).extracting(RecordedRequest::authorizationPresent).containsExactly(false, true, true);
        assertThat(polls).extracting(RecordedRequest::authorizationValid).containsExactly(false, false, true);
        assertThat(polls).extracting(RecordedRequest::status).containsExactly(401, 401, 200);
        assertThat(polls.get(2).header("AUTHORIZATION")).isEqualTo("Bearer sk-do-test");
    }
}
