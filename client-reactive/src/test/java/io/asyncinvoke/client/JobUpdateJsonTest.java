package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.asyncinvoke.model.JobState;
import org.junit.jupiter.api.Test;

/** A JobUpdate must serialize with an application's plain mapper, e.g. as Server-Sent Events. */
class JobUpdateJsonTest {

    private final ObjectMapper appMapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void aProgressUpdateIsSmall() throws Exception {
        JsonNode json = appMapper.readTree(appMapper.writeValueAsString(
                new JobUpdate("r-1", "IN_PROGRESS", JobState.IN_PROGRESS, null)));

        assertThat(json.toString()).isEqualTo("{\"request_id\":\"r-1\",\"status\":\"IN_PROGRESS\",\"terminal\":false}");
    }

    @Test
    void aTerminalUpdateCarriesTheJobInTheApiForm() throws Exception {
        JsonNode json = appMapper.readTree(appMapper.writeValueAsString(
                new JobUpdate(FakeJobApi.ID, "COMPLETED", JobState.COMPLETED, FakeJobApi.jobWith("COMPLETED"))));

        assertThat(json.get("terminal").asBoolean()).isTrue();
        assertThat(json.get("job").get("request_id").asText()).isEqualTo(FakeJobApi.ID);
        assertThat(json.get("job").get("created_at").asText()).isEqualTo("2026-01-22T19:19:19.112403432Z");
        assertThat(json.get("job").get("output").get("images").get(0).get("url").asText()).startsWith("https://");
    }
}
