package io.asyncinvoke.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Answers the requests of both listeners. Never blocks: it runs on event-loop threads. */
final class Handler {

    private static final byte[] MALFORMED_JSON =
            "{\"request_id\": , \"status\": \"QUEUED\" <html>".getBytes(StandardCharsets.UTF_8);

    private static final Duration MID_RESPONSE_PAUSE = Duration.ofMillis(50);

    private final Simulator sim;

    Handler(Simulator sim) {
        this.sim = sim;
    }

    // ------------------------------------------------------------------ entry points

    Publisher<Void> api(HttpServerRequest req, HttpServerResponse res) {
        return receive(req, res, Route.api(req.method().name(), req.uri()),
                (rec, route) -> dispatchApi(rec, route, res));
    }

    Publisher<Void> media(HttpServerRequest req, HttpServerResponse res) {
        return receive(req, res, Route.media(req.method().name(), req.uri()),
                (rec, route) -> apply(sim.faults.pick(rec), rec, res, () -> processMedia(route), Collections.emptyMap()));
    }

    /** Reads the whole body, journals the request, then hands it to {@code dispatch}. */
    private Publisher<Void> receive(HttpServerRequest req, HttpServerResponse res, Route route,
                                    BiFunction<RecordedRequest, Route, Mono<Void>> dispatch) {
        Instant receivedAt = Instant.now();
        String method = req.method().name();
        String raw = req.uri();
        String auth = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        Map<String, String> headers = sim.journal.isEnabled() ? copy(req.requestHeaders()) : Collections.emptyMap();
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    RecordedRequest rec = new RecordedRequest(sim.journal.nextSequence(), method, raw,
                            route.endpoint, route.requestId, auth != null, sim.authorizes(auth), headers,
                            body, receivedAt);
                    sim.journal.add(rec);
                    return dispatch.apply(rec, route);
                })
                .onErrorResume(e -> internalError(res, e));
    }

    /** A 500 envelope when nothing was sent yet (a simulator bug, or the client went away mid-request). */
    private Mono<Void> internalError(HttpServerResponse res, Throwable e) {
        if (res.hasSentHeaders()) {
            return Mono.empty();
        }
        Response r = Json.error(500, "simulator error: " + e, sim.newId());
        prepare(res, r, r.body.length);
        return res.sendByteArray(Mono.just(r.body)).then().onErrorResume(ignored -> Mono.empty());
    }

    private static Map<String, String> copy(HttpHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            out.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
        }
        return out;
    }

    // ------------------------------------------------------------------ API

    private Mono<Void> dispatchApi(RecordedRequest rec, Route route, HttpServerResponse res) {
        RateLimiter.Decision decision = sim.rateLimiter.acquire(System.nanoTime(), System.currentTimeMillis());
        Map<String, String> rateHeaders = new LinkedHashMap<>();
        sim.rateLimitHeaders.put(rateHeaders, decision.limit, decision.remaining, decision.resetEpochSeconds);
        if (!decision.allowed) {
            Response r = Json.error(429, null, sim.newId()).headers(rateHeaders)
                    .header("Retry-After", decision.retryAfterSeconds);
            return send(res, rec, r, null);
        }
        Fault fault = sim.faults.pick(rec);
        return apply(fault, rec, res, () -> processApi(rec, route).headers(rateHeaders), rateHeaders);
    }

    private Response processApi(RecordedRequest rec, Route route) {
        if (route.endpoint == Endpoint.STATUS && !sim.statusEndpoint) {
            // a service without the route answers as for any unknown path
            return Json.error(404, null, sim.newId());
        }
        if (route.endpoint == Endpoint.OTHER) {
            if (route.allow != null) {
                return Json.error(405, "Method " + rec.method() + " not allowed; use " + route.allow, sim.newId())
                        .header("Allow", route.allow);
            }
            return Json.error(404, null, sim.newId());
        }
        if (!rec.authorizationValid()) {
            return Json.error(401, null, null);
        }
        if (route.badEncoding) {
            return Json.error(400, "request_id: invalid percent-encoding", sim.newId());
        }
        switch (route.endpoint) {
            case SUBMIT:
                return submit(rec.body());
            case STATUS:
            case GET: {
                SimJob job = sim.jobs.get(route.requestId);
                if (job == null) {
                    return Json.error(404, null, sim.newId());
                }
                SimJob.View view = job.view(System.nanoTime());
                JsonNode node = route.endpoint == Endpoint.STATUS
                        ? Json.status(job, view, sim.extraFields)
                        : Json.job(job, view, sim.mediaBaseUrl(), sim.extraFields);
                return Response.of(200, Json.CONTENT_TYPE, Json.write(node));
            }
            default:
                return Json.error(404, null, sim.newId());
        }
    }

    private Response badRequest(String message) {
        return Json.error(400, message, sim.newId());
    }

    private Response submit(String body) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return badRequest("malformed JSON body");
        }
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            return badRequest("body: must be a JSON object");
        }
        JsonNode modelId = tree.get("model_id");
        if (modelId == null || modelId.isNull()) {
            return badRequest("model_id: required");
        }
        if (!modelId.isTextual() || modelId.textValue().isBlank()) {
            return badRequest("model_id: must be a non-blank string");
        }
        JsonNode input = tree.get("input");
        if (input == null || input.isNull()) {
            return badRequest("input: required");
        }
        if (!input.isObject()) {
            return badRequest("input: must be an object");
        }
        JsonNode tags = tree.get("tags");
        if (tags != null && !tags.isNull()) {
            if (!tags.isArray()) {
                return badRequest("tags: must be an array");
            }
            for (int i = 0; i < tags.size(); i++) {
                JsonNode tag = tags.get(i);
                if (!tag.isObject()) {
                    return badRequest("tags[" + i + "]: must be an object");
                }
                for (String field : new String[] {"key", "value"}) {
                    JsonNode v = tag.get(field);
                    if (v == null || v.isNull()) {
                        return badRequest("tags[" + i + "]." + field + ": required");
                    }
                    if (!v.isTextual()) {
                        return badRequest("tags[" + i + "]." + field + ": must be a string");
                    }
                }
            }
        }
        AsyncInvokeRequest request;
        try {
            request = Json.MAPPER.treeToValue(tree, AsyncInvokeRequest.class);
        } catch (MismatchedInputException e) {
            StringBuilder path = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            return badRequest(path + ": wrong type");
        } catch (JsonProcessingException e) {
            return badRequest("invalid request");
        }
        SimJob job = sim.createJob(request, input);
        JsonNode node = Json.job(job, job.view(System.nanoTime()), sim.mediaBaseUrl(), sim.extraFields);
        return Response.of(sim.submitStatus, Json.CONTENT_TYPE, Json.write(node));
    }

    // ------------------------------------------------------------------ media

    private Response processMedia(Route route) {
        if (route.endpoint == Endpoint.OTHER && route.allow != null) {
            return Response.of(405, "text/plain", "Method Not Allowed".getBytes(StandardCharsets.US_ASCII))
                    .header("Allow", route.allow);
        }
        Response notFound = Response.of(404, "text/plain", "Not Found".getBytes(StandardCharsets.US_ASCII));
        if (route.endpoint != Endpoint.MEDIA || route.badEncoding) {
            return notFound;
        }
        SimJob job = sim.jobs.get(route.requestId);
        if (job == null || !job.view(System.nanoTime()).completed()) {
            return notFound;
        }
        Response file = Outputs.media(job, route.file, sim.mediaFiles);
        return file != null ? file.header("Cache-Control", "public, max-age=3600") : notFound;
    }

    // ------------------------------------------------------------------ faults

    private Response safely(Supplier<Response> process) {
        try {
            return process.get();
        } catch (RuntimeException e) {
            return Json.error(500, "simulator error: " + e, sim.newId());
        }
    }

    /** A fault that replaces the response outright, or null for the other kinds. */
    private Response replacement(Fault fault, Map<String, String> rateHeaders) {
        switch (fault.kind()) {
            case STATUS:
                return Json.error(fault.httpStatus(), null, sim.newId()).headers(rateHeaders);
            case RATE_LIMITED: {
                long seconds = (fault.duration().toMillis() + 999) / 1000;
                Map<String, String> exhausted = new LinkedHashMap<>(rateHeaders);
                sim.rateLimitHeaders.put(exhausted, sim.rateLimiter.limit(), 0,
                        Instant.now().getEpochSecond() + Math.max(1, seconds));
                return Json.error(429, null, sim.newId()).headers(exhausted).header("Retry-After", seconds);
            }
            case HTML_ERROR_PAGE: {
                HttpResponseStatus s = HttpResponseStatus.valueOf(fault.httpStatus());
                String title = s.code() + " " + s.reasonPhrase();
                String html = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>"
                        + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
                return Response.of(s.code(), "text/html", html.getBytes(StandardCharsets.UTF_8));
            }
            default:
                return null;
        }
    }

    private Mono<Void> apply(Fault fault, RecordedRequest rec, HttpServerResponse res, Supplier<Response> process,
            Map<String, String> rateHeaders) {
        if (fault == null) {
            return send(res, rec, safely(process), null);
        }
        // A fault acts before processing unless told otherwise (a 503 to a submit then creates no
        // job); the kinds that mangle the real answer need it first.
        boolean processFirst = fault.isAfterProcessing() || fault.kind().manglesAnswer();
        Response processed = processFirst ? safely(process) : null;
        Supplier<Response> answer = processFirst ? () -> processed : () -> safely(process);
        Response replaced = replacement(fault, rateHeaders);
        if (replaced != null) {
            return send(res, rec, replaced, fault);
        }
        Response normal = processed;
        switch (fault.kind()) {
            case CONNECTION_RESET:
                sim.journal.responded(rec, 0, fault);
                return reset(res);
            case HANG:
                sim.journal.responded(rec, 0, fault);
                return Mono.never();
            case DELAY:
                return Mono.delay(fault.duration()).then(Mono.defer(() -> send(res, rec, answer.get(), fault)));
            case CONNECTION_RESET_MID_RESPONSE: {
                sim.journal.responded(rec, normal.status, fault);
                prepare(res, normal, normal.body.length);
                int half = normal.body.length / 2;
                // a short pause lets the client read the partial response before the RST arrives
                return res.send(Mono.just(Unpooled.wrappedBuffer(normal.body, 0, half)), b -> true).then()
                        .then(Mono.delay(MID_RESPONSE_PAUSE)).then(reset(res));
            }
            case TRICKLE: {
                sim.journal.responded(rec, normal.status, fault);
                prepare(res, normal, normal.body.length);
                int chunk = fault.chunkBytes();
                int chunks = (normal.body.length + chunk - 1) / chunk;
                return res.send(Flux.range(0, chunks)
                        .delayElements(fault.duration())
                        .map(i -> Unpooled.wrappedBuffer(normal.body, i * chunk,
                                Math.min(chunk, normal.body.length - i * chunk))), b -> true).then();
            }
            case TRUNCATED_JSON: {
                sim.journal.responded(rec, normal.status, fault);
                int half = normal.body.length / 2;
                prepare(res, normal, half);
                return res.sendByteArray(Mono.just(java.util.Arrays.copyOf(normal.body, half))).then();
            }
            case MALFORMED_JSON: {
                sim.journal.responded(rec, normal.status, fault);
                prepare(res, normal, MALFORMED_JSON.length);
                return res.sendByteArray(Mono.just(MALFORMED_JSON)).then();
            }
            default:
                return send(res, rec, answer.get(), null);
        }
    }

    private static void prepare(HttpServerResponse res, Response r, int contentLength) {
        res.status(r.status);
        res.header(HttpHeaderNames.CONTENT_TYPE, r.contentType);
        r.headers.forEach(res::header);
        res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(contentLength));
    }

    private Mono<Void> send(HttpServerResponse res, RecordedRequest rec, Response r, Fault fault) {
        sim.journal.responded(rec, r.status, fault);
        prepare(res, r, r.body.length);
        return res.sendByteArray(Mono.just(r.body)).then();
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
