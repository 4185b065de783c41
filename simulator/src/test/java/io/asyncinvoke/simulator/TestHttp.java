package io.asyncinvoke.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain java.net.http calls against a simulator (the project's client is not used on purpose). */
final class TestHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient SHARED = newClient();
    static final String IMAGE_MODEL = "fal-ai/flux/schnell";
    static final String AUDIO_MODEL = "fal-ai/stable-audio-25/text-to-audio";
    static final String SPEECH_MODEL = "fal-ai/elevenlabs/tts/multilingual-v2";

    final Simulator sim;
    final HttpClient client;

    TestHttp(Simulator sim) {
        this(sim, SHARED);
    }

    TestHttp(Simulator sim, HttpClient client) {
        this.sim = sim;
        this.client = client;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Percent-encodes one path segment (everything but unreserved characters), as a client must. */
    static String segment(String value) {
        return Route.encode(value);
    }

    String bearer() {
        return "Bearer " + sim.apiKey();
    }

    HttpRequest.Builder api(String rawPath) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + rawPath))
                .timeout(Duration.ofSeconds(10));
        if (sim.apiKey() != null) {
            b.header("Authorization", bearer());
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> submit(String body) {
        return send(api("/v1/async-invoke").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> submit(String modelId, String inputJson) {
        return submit("{\"model_id\":\"" + modelId + "\",\"input\":" + inputJson + "}");
    }

    /** Submits and returns the request id, asserting the submit was accepted. */
    String submitId(String modelId, String inputJson) {
        HttpResponse<String> r = submit(modelId, inputJson);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        return json(r).get("request_id").asText();
    }

    HttpResponse<String> get(String rawPath) {
        return send(api(rawPath).GET().build());
    }

    HttpResponse<String> status(String requestId) {
        return get("/v1/async-invoke/" + segment(requestId) + "/status");
    }

    HttpResponse<String> job(String requestId) {
        return get("/v1/async-invoke/" + segment(requestId));
    }

    String state(String requestId) {
        HttpResponse<String> r = status(requestId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("status").asText();
    }

    /** Polls the status every 10 ms until it is {@code state}; fails after {@code timeout}. */
    void awaitState(String requestId, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = state(requestId);
            if (state.equals(last)) {
                return;
            }
            sleep(10);
        }
        throw new AssertionError("job " + requestId + " still " + last + ", expected " + state);
    }

    /** Submits and waits until COMPLETED, returning the whole job. */
    JsonNode completedJob(String modelId, String inputJson) {
        String id = submitId(modelId, inputJson);
        awaitState(id, "COMPLETED", Duration.ofSeconds(5));
        return json(job(id));
    }

    HttpResponse<byte[]> media(String url, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends raw bytes on a fresh socket and returns what was read until the server closed or reset, or 2 s passed. */
    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (sb.indexOf("\r\n\r\n") > 0 && complete(sb)) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException timeoutOrReset) {
                // return what arrived
            }
            return sb.toString();
        }
    }

    private static boolean complete(StringBuilder sb) {
        int headerEnd = sb.indexOf("\r\n\r\n");
        String head = sb.substring(0, headerEnd).toLowerCase();
        int i = head.indexOf("content-length:");
        if (i < 0) {
            return false;
        }
        int end = head.indexOf("\r\n", i);
        int length = Integer.parseInt(head.substring(i + 15, end < 0 ? head.length() : end).trim());
        return sb.length() - headerEnd - 4 >= length;
    }
}
