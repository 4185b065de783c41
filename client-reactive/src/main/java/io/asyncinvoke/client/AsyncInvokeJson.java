package io.asyncinvoke.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON settings of this library, in one place: ISO-8601 date-times that keep their precision
 * and offset, unknown fields ignored, unset fields omitted. The client always uses its own mapper,
 * never an application's, so an application customising its ObjectMapper cannot break the wire
 * format.
 */
public final class AsyncInvokeJson {

    static final ObjectMapper MAPPER = newObjectMapper();

    private AsyncInvokeJson() {
    }

    /**
     * A new mapper with the library's settings, for reading or writing the models (e.g. to print a
     * job as the API returns it). Each call returns a fresh instance the caller may customise.
     */
    public static ObjectMapper newObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }
}
