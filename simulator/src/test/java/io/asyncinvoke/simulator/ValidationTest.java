package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidationTest {

    private static Simulator sim;
    private static TestHttp http;

    @BeforeAll
    static void start() {
        sim = Simulator.builder().start();
        http = new TestHttp(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing model_id       | {\"input\":{}}                                            | model_id",
        "null model_id          | {\"model_id\":null,\"input\":{}}                          | model_id",
        "blank model_id         | {\"model_id\":\"  \",\"input\":{}}                        | model_id",
        "numeric model_id       | {\"model_id\":7,\"input\":{}}                             | model_id",
        "missing input          | {\"model_id\":\"m\"}                                      | input",
        "null input             | {\"model_id\":\"m\",\"input\":null}                       | input",
        "string input           | {\"model_id\":\"m\",\"input\":\"draw\"}                   | input",
        "array input            | {\"model_id\":\"m\",\"input\":[1]}                        | input",
        "tags not an array      | {\"model_id\":\"m\",\"input\":{},\"tags\":{}}             | tags",
        "tag without key        | {\"model_id\":\"m\",\"input\":{},\"tags\":[{\"value\":\"v\"}]} | tags[0].key",
        "tag without value      | {\"model_id\":\"m\",\"input\":{},\"tags\":[{\"key\":\"k\",\"value\":null}]} | tags[0].value",
        "tag not an object      | {\"model_id\":\"m\",\"input\":{},\"tags\":[\"k=v\"]}      | tags[0]",
        "wrongly typed input    | {\"model_id\":\"m\",\"input\":{\"num_images\":\"many\"}}  | num_images",
        "malformed JSON         | {\"model_id\":                                            | JSON",
        "not an object          | [1,2]                                                     | body",
        "empty body             | ''                                                        | body",
    })
    void invalidSubmitsAnswer400WithTheEnvelope(String name, String body, String mentions) {
        int before = sim.jobCount();
        HttpResponse<String> r = http.submit(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r);
        assertThat(error.get("id").asText()).isEqualTo("bad_request");
        assertThat(error.get("message").asText()).contains(mentions);
        assertThat(error.get("request_id").asText()).hasSize(36);
        assertThat(r.headers().firstValue("ratelimit-remaining")).isPresent();
        assertThat(sim.jobCount()).isEqualTo(before);
    }

    @Test
    void validSubmitsWithNullOrEmptyTagsAndUnknownInputFieldsAreAccepted() {
        assertThat(http.submit("{\"model_id\":\"m\",\"input\":{},\"tags\":null}").statusCode()).isEqualTo(202);
        assertThat(http.submit("{\"model_id\":\"m\",\"input\":{},\"tags\":[]}").statusCode()).isEqualTo(202);
        assertThat(http.submit("{\"model_id\":\"m\",\"input\":{\"voice\":\"Rachel\",\"x\":{\"y\":[1]}},"
                + "\"tags\":[{\"key\":\"type\",\"value\":\"test\"}],\"unknown\":true}").statusCode()).isEqualTo(202);
    }
}
