package io.asyncinvoke.client.reliability;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback HTTP server that answers whatever the test scripts, byte for byte: any status, any
 * headers, any body, or no answer at all. Records every request. For what the simulator does not
 * model (a 429 with only ratelimit-reset, a redirect to another host, arbitrary answers).
 */
final class ScriptedServer implements AutoCloseable {

    /** A request as received. */
    static final class Exchange {
        final int index;
        final String method;
        final String uri;
        final Map<String, String> headers;
        final String body;
        final Instant receivedAt;

        Exchange(int index, String method, String uri, Map<String, String> headers, String body, Instant receivedAt) {
            this.index = index;
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
            this.receivedAt = receivedAt;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer. */
    static final class Reply {
        final int status;
        final List<Map.Entry<String, String>> headers;
        final byte[] body;
        final boolean hang;
        final boolean reset;

        private Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, boolean hang, boolean reset) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.hang = hang;
            this.reset = reset;
        }

        static Reply of(int status, String contentType, byte[] body) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (contentType != null) {
                headers.add(Map.entry("content-type", contentType));
            }
            return new Reply(status, headers, body, false, false);
        }

        static Reply json(int status, String body) {
            return of(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply hang() {
            return new Reply(0, List.of(), new byte[0], true, false);
        }

        static Reply reset() {
            return new Reply(0, List.of(), new byte[0], false, true);
        }

        Reply header(String name, String value) {
            List<Map.Entry<String, String>> all = new ArrayList<>(headers);
            all.add(Map.entry(name, value));
            return new Reply(status, all, body, hang, reset);
        }

        @Override
        public String toString() {
            if (hang || reset) {
                return hang ? "hang" : "reset";
            }
            String text = new String(body, StandardCharsets.UTF_8);
            return status + " " + headers + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    final List<Exchange> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Function<Exchange, Reply> script;
    private final DisposableServer server;

    ScriptedServer(Function<Exchange, Reply> script) {
        this.script = script;
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow(Duration.ofSeconds(10));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    int port() {
        return server.port();
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        Instant receivedAt = Instant.now();
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
            Map<String, String> headers = new LinkedHashMap<>();
            request.requestHeaders().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(),
                    (a, b) -> a + ", " + b));
            Exchange exchange = new Exchange(counter.getAndIncrement(), request.method().name(), request.uri(), headers,
                    body, receivedAt);
            requests.add(exchange);
            Reply reply = script.apply(exchange);
            if (reply.hang) {
                return Mono.never();
            }
            if (reply.reset) {
                response.withConnection(c -> {
                    c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    c.channel().close();
                });
                return Mono.never();
            }
            response.status(HttpResponseStatus.valueOf(reply.status));
            reply.headers.forEach(h -> response.addHeader(h.getKey(), h.getValue()));
            response.header("content-length", String.valueOf(reply.body.length));
            return response.send(Mono.just(Unpooled.wrappedBuffer(reply.body))).then();
        });
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
