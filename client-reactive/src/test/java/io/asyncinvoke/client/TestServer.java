package io.asyncinvoke.client;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback HTTP server whose answers are scripted per test: each request is recorded (method,
 * raw URI, headers, body) and answered by the next scripted reply, or by the fallback.
 */
final class TestServer implements AutoCloseable {

    /** What the server saw. */
    static final class Recorded {
        final String method;
        final String uri;
        final Map<String, String> headers;
        final String body;

        Recorded(String method, String uri, Map<String, String> headers, String body) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
        }
    }

    /** A scripted answer. */
    static final class Reply {
        final int status;
        final String body;
        final Map<String, String> headers;
        final Duration delay;
        final boolean hang;

        Reply(int status, String body, Map<String, String> headers, Duration delay, boolean hang) {
            this.status = status;
            this.body = body;
            this.headers = headers;
            this.delay = delay;
            this.hang = hang;
        }

        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of("content-type", "application/json"), Duration.ZERO, false);
        }

        static Reply of(int status, String contentType, String body) {
            return new Reply(status, body, Map.of("content-type", contentType), Duration.ZERO, false);
        }

        static Reply hang() {
            return new Reply(200, "", Map.of(), Duration.ZERO, true);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> all = new java.util.HashMap<>(headers);
            all.put(name, value);
            return new Reply(status, body, Map.copyOf(all), delay, hang);
        }

        Reply delayed(Duration by) {
            return new Reply(status, body, headers, by, hang);
        }
    }

    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private volatile Function<Recorded, Reply> fallback = r -> Reply.json(500, "{\"id\":\"unscripted\",\"message\":\"no reply scripted\"}");
    private final DisposableServer server;

    TestServer() {
        server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    TestServer reply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    TestServer otherwise(Function<Recorded, Reply> fallback) {
        this.fallback = fallback;
        return this;
    }

    long count(String method) {
        return requests.stream().filter(r -> r.method.equals(method)).count();
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
            Map<String, String> headers = request.requestHeaders().entries().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), Map.Entry::getValue, (a, b) -> a + "," + b));
            Recorded recorded = new Recorded(request.method().name(), request.uri(), headers, body);
            requests.add(recorded);
            Reply reply = script.poll();
            if (reply == null) {
                reply = fallback.apply(recorded);
            }
            if (reply.hang) {
                return Mono.never();
            }
            Reply r = reply;
            Mono<Void> send = Mono.defer(() -> {
                response.status(HttpResponseStatus.valueOf(r.status));
                r.headers.forEach(response::header);
                return response.sendString(Mono.just(r.body)).then();
            });
            return r.delay.isZero() ? send : Mono.delay(r.delay).then(send);
        });
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
