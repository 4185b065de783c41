package io.asyncinvoke.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The simulator's own {@link Dispatcher}: the service it simulates. On the API listener the rate
 * limit first, then the injected faults, then the three calls over the {@link JobBook} (with the
 * bearer-key check and the error envelope); on the media listener the faults, then the jobs' files.
 */
final class ServiceDispatcher implements Dispatcher {

    private static final byte[] MALFORMED_JSON =
            "{\"request_id\": , \"status\": \"QUEUED\" <html>".getBytes(StandardCharsets.UTF_8);

    private final JobBook book;
    private final FaultSet faults;
    private final RateLimiter rateLimiter;
    private final RateLimitHeaders rateLimitHeaders;
    private final MediaFiles mediaFiles = new MediaFiles();
    private final Ids ids;
    private final Supplier<String> mediaBaseUrl;
    private final int submitStatus;
    private final boolean extraFields;
    private final boolean statusEndpoint;

    ServiceDispatcher(JobBook book, FaultSet faults, RateLimiter rateLimiter, RateLimitHeaders rateLimitHeaders,
            Ids ids, Supplier<String> mediaBaseUrl, int submitStatus, boolean extraFields, boolean statusEndpoint) {
        this.book = book;
        this.faults = faults;
        this.rateLimiter = rateLimiter;
        this.rateLimitHeaders = rateLimitHeaders;
        this.ids = ids;
        this.mediaBaseUrl = mediaBaseUrl;
        this.submitStatus = submitStatus;
        this.extraFields = extraFields;
        this.statusEndpoint = statusEndpoint;
    }

    @Override
    public Answer dispatch(RecordedRequest request) {
        Route route = request.route();
        if (route.media) {
            return withFault(faults.pick(request), () -> media(route), Collections.emptyMap());
        }
        RateLimiter.Decision decision = rateLimiter.acquire(System.nanoTime(), System.currentTimeMillis());
        Map<String, String> rateHeaders = new LinkedHashMap<>();
        rateLimitHeaders.put(rateHeaders, decision.limit, decision.remaining, decision.resetEpochSeconds);
        if (!decision.allowed) {
            return Json.error(429, null, ids.next()).headers(rateHeaders)
                    .header("Retry-After", decision.retryAfterSeconds);
        }
        return withFault(faults.pick(request), () -> api(request, route).headers(rateHeaders), rateHeaders);
    }

    // ------------------------------------------------------------------ API

    private Answer api(RecordedRequest request, Route route) {
        if (route.endpoint == Endpoint.STATUS && !statusEndpoint) {
            // a service without the route answers as for any unknown path
            return Json.error(404, null, ids.next());
        }
        if (route.endpoint == Endpoint.OTHER) {
            if (route.allow != null) {
                return Json.error(405, "Method " + request.method() + " not allowed; use " + route.allow, ids.next())
                        .header("Allow", route.allow);
            }
            return Json.error(404, null, ids.next());
        }
        if (!request.authorizationValid()) {
            return Json.error(401, null, null);
        }
        if (route.badEncoding) {
            return Json.error(400, "request_id: invalid percent-encoding", ids.next());
        }
        switch (route.endpoint) {
            case SUBMIT:
                return submit(request.body());
            case STATUS:
            case GET: {
                JobBook.Read read = book.read(route.requestId, System.nanoTime());
                if (read == null) {
                    return Json.error(404, null, ids.next());
                }
                JsonNode node = route.endpoint == Endpoint.STATUS
                        ? Json.status(read.job(), read.view(), extraFields)
                        : Json.job(read.job(), read.view(), mediaBaseUrl.get(), extraFields);
                return Answer.of(200, Json.CONTENT_TYPE, Json.write(node));
            }
            default:
                return Json.error(404, null, ids.next());
        }
    }

    private Answer submit(String body) {
        Submission submission = Submission.read(body);
        if (submission.refusal() != null) {
            return Json.error(400, submission.refusal(), ids.next());
        }
        SimJob job = book.create(submission.request(), submission.input());
        JsonNode node = Json.job(job, job.view(System.nanoTime()), mediaBaseUrl.get(), extraFields);
        return Answer.of(submitStatus, Json.CONTENT_TYPE, Json.write(node));
    }

    // ------------------------------------------------------------------ media

    private Answer media(Route route) {
        if (route.endpoint == Endpoint.OTHER && route.allow != null) {
            return Answer.of(405, "text/plain", "Method Not Allowed").header("Allow", route.allow);
        }
        Answer notFound = Answer.of(404, "text/plain", "Not Found");
        if (route.endpoint != Endpoint.MEDIA || route.badEncoding) {
            return notFound;
        }
        JobBook.Read read = book.read(route.requestId, System.nanoTime());
        if (read == null || !read.view().completed()) {
            return notFound;
        }
        Answer file = Outputs.media(read.job(), route.file, mediaFiles);
        return file != null ? file.header("Cache-Control", "public, max-age=3600") : notFound;
    }

    // ------------------------------------------------------------------ faults

    private Answer safely(Supplier<Answer> process) {
        try {
            return process.get();
        } catch (RuntimeException e) {
            return Json.error(500, "simulator error: " + e, ids.next());
        }
    }

    /**
     * The answer {@code process} gives, as {@code fault} (null: none) changes it. A fault acts
     * before processing unless told otherwise (a 503 to a submit then creates no job); the kinds
     * that mangle the real answer need it first.
     */
    private Answer withFault(Fault fault, Supplier<Answer> process, Map<String, String> rateHeaders) {
        if (fault == null) {
            return safely(process);
        }
        boolean processFirst = fault.isAfterProcessing() || fault.kind().manglesAnswer();
        Answer processed = processFirst ? safely(process) : null;
        switch (fault.kind()) {
            case STATUS:
                return Json.error(fault.httpStatus(), null, ids.next()).headers(rateHeaders).because(fault);
            case RATE_LIMITED: {
                long seconds = (fault.duration().toMillis() + 999) / 1000;
                Map<String, String> exhausted = new LinkedHashMap<>(rateHeaders);
                rateLimitHeaders.put(exhausted, rateLimiter.limit(), 0,
                        Instant.now().getEpochSecond() + Math.max(1, seconds));
                return Json.error(429, null, ids.next()).headers(exhausted).header("Retry-After", seconds)
                        .because(fault);
            }
            case HTML_ERROR_PAGE:
                return htmlErrorPage(fault.httpStatus()).because(fault);
            case CONNECTION_RESET:
                return Answer.reset().because(fault);
            case HANG:
                return Answer.hang().because(fault);
            case DELAY:
                return processFirst ? processed.delayed(fault.duration()).because(fault)
                        : Answer.later(fault.duration(), () -> safely(process).because(fault));
            case CONNECTION_RESET_MID_RESPONSE:
                return processed.resetMidBody().because(fault);
            case TRICKLE:
                return processed.trickled(fault.duration(), fault.chunkBytes()).because(fault);
            case TRUNCATED_JSON: {
                byte[] body = processed.bodyBytes();
                return processed.withBody(Arrays.copyOf(body, body.length / 2)).because(fault);
            }
            case MALFORMED_JSON:
                return processed.withBody(MALFORMED_JSON).because(fault);
            default:
                return processed != null ? processed : safely(process);
        }
    }

    private static Answer htmlErrorPage(int status) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String title = s.code() + " " + s.reasonPhrase();
        String html = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>"
                + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return Answer.of(s.code(), "text/html", html);
    }
}
