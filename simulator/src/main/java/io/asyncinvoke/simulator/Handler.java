package io.asyncinvoke.simulator;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The wire side of both listeners: reads each request whole, journals it, asks the
 * {@link Dispatcher} for its {@link Answer} and writes that answer as it says (at once, late, in
 * chunks, endlessly, cut by a reset, or never). Never blocks: it runs on event-loop threads.
 */
final class Handler {

    private static final Duration MID_RESPONSE_PAUSE = Duration.ofMillis(50);

    private final Journal journal;
    private final Dispatcher dispatcher;
    private final Predicate<String> authorizes;
    private final Ids ids;

    /** {@code authorizes} tells whether an {@code Authorization} value carries the key in force. */
    Handler(Journal journal, Dispatcher dispatcher, Predicate<String> authorizes, Ids ids) {
        this.journal = journal;
        this.dispatcher = dispatcher;
        this.authorizes = authorizes;
        this.ids = ids;
    }

    // ------------------------------------------------------------------ entry points

    Publisher<Void> api(HttpServerRequest req, HttpServerResponse res) {
        return handle(req, res, Route.api(req.method().name(), req.uri()));
    }

    Publisher<Void> media(HttpServerRequest req, HttpServerResponse res) {
        return handle(req, res, Route.media(req.method().name(), req.uri()));
    }

    /** Reads the whole body, journals the request, then answers what the dispatcher says. */
    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res, Route route) {
        Instant receivedAt = Instant.now();
        String method = req.method().name();
        String raw = req.uri();
        String auth = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        Map<String, String> headers = journal.isEnabled() ? copy(req.requestHeaders()) : Collections.emptyMap();
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    RecordedRequest rec = new RecordedRequest(journal.nextSequence(), method, raw, route,
                            auth != null, authorizes.test(auth), headers, body, receivedAt);
                    journal.add(rec);
                    return write(res, rec, safely(() -> dispatcher.dispatch(rec)));
                })
                .onErrorResume(e -> internalError(res, e));
    }

    private static Map<String, String> copy(HttpHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            out.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
        }
        return out;
    }

    /** What the dispatcher answers; a 500 envelope should it throw. */
    private Answer safely(Supplier<Answer> dispatch) {
        try {
            return Objects.requireNonNull(dispatch.get(), "the dispatcher answered null");
        } catch (RuntimeException e) {
            return Json.error(500, "simulator error: " + e, ids.next());
        }
    }

    /** A 500 envelope when nothing was sent yet (a simulator bug, or the client went away mid-request). */
    private Mono<Void> internalError(HttpServerResponse res, Throwable e) {
        if (res.hasSentHeaders()) {
            return Mono.empty();
        }
        Answer answer = Json.error(500, "simulator error: " + e, ids.next());
        prepare(res, answer, answer.bodyBytes().length);
        return res.sendByteArray(Mono.just(answer.bodyBytes())).then().onErrorResume(ignored -> Mono.empty());
    }

    // ------------------------------------------------------------------ writing an answer

    private Mono<Void> write(HttpServerResponse res, RecordedRequest rec, Answer answer) {
        if (answer.delay().isZero()) {
            return writeNow(res, rec, answer);
        }
        return Mono.delay(answer.delay()).then(Mono.defer(() -> writeNow(res, rec, answer)));
    }

    private Mono<Void> writeNow(HttpServerResponse res, RecordedRequest rec, Answer answer) {
        byte[] body = answer.bodyBytes();
        switch (answer.mode()) {
            case LATER:
                return write(res, rec, safely(answer.later()));
            case HANG:
                journal.responded(rec, 0, answer.fault());
                return Mono.never();
            case RESET:
                journal.responded(rec, 0, answer.fault());
                return reset(res);
            case RESET_MID_BODY: {
                journal.responded(rec, answer.status(), answer.fault());
                prepare(res, answer, body.length);
                // a short pause lets the client read the partial response before the RST arrives
                return res.send(Mono.just(Unpooled.wrappedBuffer(body, 0, body.length / 2)), b -> true).then()
                        .then(Mono.delay(MID_RESPONSE_PAUSE)).then(reset(res));
            }
            case ENDLESS:
                journal.responded(rec, answer.status(), answer.fault());
                prepare(res, answer, -1);
                return res.send(Flux.interval(answer.perChunk(), answer.perChunk())
                        .map(n -> Unpooled.wrappedBuffer(body)), b -> true).then();
            default: {
                journal.responded(rec, answer.status(), answer.fault());
                prepare(res, answer, body.length);
                if (answer.perChunk() == null) {
                    return res.sendByteArray(Mono.just(body)).then();
                }
                int chunk = answer.chunkBytes();
                int chunks = (body.length + chunk - 1) / chunk;
                return res.send(Flux.range(0, chunks)
                        .delayElements(answer.perChunk())
                        .map(i -> Unpooled.wrappedBuffer(body, i * chunk, Math.min(chunk, body.length - i * chunk))),
                        b -> true).then();
            }
        }
    }

    /** Status and headers, and {@code Content-Length} unless negative or an answer's header says it. */
    private static void prepare(HttpServerResponse res, Answer answer, int contentLength) {
        res.status(answer.status());
        for (Map.Entry<String, String> header : answer.headers()) {
            res.addHeader(header.getKey(), header.getValue());
        }
        if (contentLength >= 0 && answer.header(HttpHeaderNames.CONTENT_LENGTH.toString()) == null) {
            res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(contentLength));
        }
    }

    /** Resets the connection (RST, thanks to SO_LINGER 0) and never completes: the close ends the exchange. */
    private static Mono<Void> reset(HttpServerResponse res) {
        return Mono.<Void>fromRunnable(() -> res.withConnection(c -> {
            Channel channel = c.channel();
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException ignored) {
                // best effort: a plain close still ends the exchange
            }
            channel.close();
        })).then(Mono.never());
    }
}
