package io.asyncinvoke.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A response to send: status, content type, body and extra headers. */
final class Response {

    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    private Response(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    static Response of(int status, String contentType, byte[] body) {
        return new Response(status, contentType, body);
    }

    Response header(String name, Object value) {
        headers.put(name, String.valueOf(value));
        return this;
    }

    Response headers(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }
}
