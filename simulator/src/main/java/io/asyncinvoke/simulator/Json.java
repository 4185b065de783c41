package io.asyncinvoke.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The simulator's own JSON handling, deliberately independent from the client's, so a bug in
 * the client's mapper settings cannot hide behind the same bug here.
 */
final class Json {

    static final String CONTENT_TYPE = "application/json";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    /** Always nine fractional digits, UTC, e.g. {@code 2026-01-22T19:19:19.112403432Z}. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Json() {
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String errorId(int status) {
        switch (status) {
            case 400: return "bad_request";
            case 401: return "unauthorized";
            case 404: return "not_found";
            case 405: return "method_not_allowed";
            case 429: return "too_many_requests";
            case 500: return "server_error";
            default:
                return HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9]+", "_");
        }
    }

    static String errorMessage(int status) {
        switch (status) {
            case 401: return "Unable to authenticate you.";
            case 404: return "The resource you were accessing could not be found.";
            case 429: return "API rate limit exceeded.";
            case 500: return "Unexpected server-side error";
            default: return HttpResponseStatus.valueOf(status).reasonPhrase();
        }
    }

    /** The error envelope {@code {"id","message","request_id"}}; 401 carries no request_id, like the real service. */
    static Answer error(int status, String message, String requestId) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", errorId(status));
        node.put("message", message != null ? message : errorMessage(status));
        if (requestId != null && status != 401) {
            node.put("request_id", requestId);
        }
        return Answer.of(status, CONTENT_TYPE, write(node));
    }

    static ObjectNode job(SimJob job, SimJob.View view, String mediaBaseUrl, boolean extraFields) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("request_id", job.requestId);
        node.put("status", view.status);
        node.put("model_id", job.modelId);
        node.put("created_at", timestamp(job.createdAt));
        if (view.startedAt != null) {
            node.put("started_at", timestamp(view.startedAt));
        } else {
            node.putNull("started_at");
        }
        if (view.completedAt != null) {
            node.put("completed_at", timestamp(view.completedAt));
        } else {
            node.putNull("completed_at");
        }
        if (view.completed()) {
            node.set("output", Outputs.output(job, mediaBaseUrl));
        } else {
            node.putNull("output");
        }
        if (view.error != null) {
            node.put("error", view.error);
        } else {
            node.putNull("error");
        }
        if (extraFields) {
            extras(node);
        }
        return node;
    }

    static ObjectNode status(SimJob job, SimJob.View view, boolean extraFields) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("request_id", job.requestId);
        node.put("status", view.status);
        if (extraFields) {
            extras(node);
        }
        return node;
    }

    private static void extras(ObjectNode node) {
        node.put("priority", 1);
        node.put("region", "nyc");
        node.putObject("metadata").put("simulated", true);
    }
}
