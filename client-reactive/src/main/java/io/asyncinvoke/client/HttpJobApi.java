package io.asyncinvoke.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.model.ApiError;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The three calls over Reactor Netty. Each attempt reads the whole (small, bounded) body, then maps
 * the answer: a 2xx is decoded, anything else becomes the matching exception with every detail the
 * server gave. {@link Call} records each attempt.
 */
final class HttpJobApi implements JobApi {

    static final String SUBMIT_PATH = "/v1/async-invoke";
    private static final ObjectReader JOB_READER = AsyncInvokeJson.MAPPER.readerFor(Job.class);
    private static final ObjectReader STATUS_READER = AsyncInvokeJson.MAPPER.readerFor(JobStatus.class);
    private static final ObjectReader ERROR_READER = AsyncInvokeJson.MAPPER.readerFor(ApiError.class);
    private static final ObjectWriter REQUEST_WRITER = AsyncInvokeJson.MAPPER.writerFor(AsyncInvokeRequest.class);
    private static final byte[] EMPTY = new byte[0];
    private static final int SNIPPET_LENGTH = 200;

    private final HttpClient http;
    /** {@code http.get()} once: each request then copies the client's configuration once, not twice. */
    private final HttpClient.ResponseReceiver<?> get;
    private final String basePath;
    /** {@code basePath + "/v1/async-invoke/"}, built once. */
    private final String jobsPrefix;
    private final RetryPolicy retries;
    private final AsyncInvokeListener listener;
    private final Redactor redactor;
    private final RequestGate budget;
    private final long maxBodyBytes;
    private final ConcurrencyLimit inFlight;

    /**
     * @param http           configured with the base URL, credentials and timeouts (including the
     *                       {@link ResponseDeadline} of each connection)
     * @param basePath       the endpoint's path prefix ("" for none), without a trailing slash
     * @param redactor       removes the API key from any text that could come back from the network
     * @param budget         every attempt (retries included) takes a token from it first
     * @param maxBodyBytes   the longest answer body read
     * @param inFlight       how many attempts may be in flight at once (the pool's connections)
     */
    HttpJobApi(HttpClient http, String basePath, RetryPolicy retries, AsyncInvokeListener listener,
               Redactor redactor, RequestGate budget, long maxBodyBytes, ConcurrencyLimit inFlight) {
        this.http = http;
        this.get = http.get();
        this.basePath = basePath;
        this.jobsPrefix = basePath + SUBMIT_PATH + "/";
        this.retries = retries;
        this.listener = listener;
        this.redactor = redactor;
        this.budget = budget;
        this.maxBodyBytes = maxBodyBytes;
        this.inFlight = inFlight;
    }

    @Override
    public Mono<ApiResponse<Job>> submit(AsyncInvokeRequest request) {
        String modelId = request.getModelId();
        return call(Operation.SUBMIT, null, modelId, attempt -> {
            byte[] body;
            try {
                body = REQUEST_WRITER.writeValueAsBytes(request);
            } catch (JsonProcessingException e) {
                return Mono.error(new IllegalArgumentException("request cannot be written as JSON: " + e.getOriginalMessage(), e));
            }
            return http.post()
                    .uri(basePath + SUBMIT_PATH)
                    .send((req, out) -> {
                        attempt.sent = true;
                        req.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
                        return out.sendByteArray(Mono.just(body));
                    })
                    .response((response, bytes) ->
                            collect(response, bytes, attempt, raw -> attempt.decodeJob(raw, JOB_READER)))
                    .single();
        });
    }

    @Override
    public Mono<ApiResponse<JobStatus>> status(String requestId) {
        String path = jobsPrefix + Inputs.pathSegment(requestId) + "/status";
        return call(Operation.STATUS, requestId, null, attempt -> get.uri(path)
                .response((response, bytes) -> collect(response, bytes, attempt, attempt::decodeStatus))
                .single());
    }

    @Override
    public Mono<ApiResponse<Job>> job(String requestId) {
        String path = jobsPrefix + Inputs.pathSegment(requestId);
        return call(Operation.GET, requestId, null, attempt -> get.uri(path)
                .response((response, bytes) -> collect(response, bytes, attempt, raw -> attempt.decodeJob(raw, JOB_READER)))
                .single());
    }

    /**
     * The policies around every attempt of a call, in one place: retries outermost, each attempt
     * behind a token of the request budget, then a place among the requests in flight.
     */
    private <T> Mono<ApiResponse<T>> call(Operation operation, String requestId, String modelId,
                                          Function<Attempt, Mono<ApiResponse<T>>> send) {
        return Call.of(operation, requestId, modelId, null, listener, call -> retries.apply(call, Mono.defer(() -> {
            Attempt attempt = new Attempt(call, call.next(), modelId);
            return budget.gate(attempt.recorder, inFlight.gate(Mono.defer(() -> {
                attempt.recorder.started();
                return send.apply(attempt).onErrorMap(attempt::transportFailure);
            })));
        })));
    }

    /**
     * Reads the whole answer, at most {@link #maxBodyBytes} of it, and decodes it. A larger answer
     * (declared or as it arrives) fails at once as a {@link DecodeException}; the unread rest is
     * never buffered, and the connection, left mid-answer, is closed rather than reused.
     */
    private <T> Mono<T> collect(HttpClientResponse response, ByteBufFlux body, Attempt attempt,
                                Function<RawResponse, T> decode) {
        int status = response.status().code();
        RateLimitInfo rateLimit = RateLimits.parse(response.responseHeaders(), System.currentTimeMillis());
        budget.onAnswer(status, rateLimit);
        String declared = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && declaredLength(declared) > maxBodyBytes) {
            return Mono.error(attempt.tooLarge(status, "declares " + declared.trim() + " bytes"));
        }
        return body.asByteArray()
                .collect(() -> new Body(maxBodyBytes), Body::add)
                .onErrorMap(Body.TooLarge.class, e -> attempt.tooLarge(status, "is longer"))
                .map(bytes -> decode.apply(new RawResponse(status, rateLimit, redactor.apply(bytes.toArray()))));
    }

    private static long declaredLength(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return v.length() > 18 ? Long.MAX_VALUE : -1;
        }
        return Long.parseLong(v);
    }

    /** An answer's body as it arrives, refusing to grow past a limit; one chunk (the usual case) is kept as is. */
    private static final class Body {
        private final long max;
        private byte[] bytes = EMPTY;
        private int length;

        Body(long max) {
            this.max = max;
        }

        void add(byte[] chunk) {
            if (length + (long) chunk.length > max) {
                throw new TooLarge();
            }
            if (length == 0) {
                bytes = chunk;
            } else {
                if (length + chunk.length > bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.max(length + chunk.length, bytes.length * 2));
                }
                System.arraycopy(chunk, 0, bytes, length, chunk.length);
            }
            length += chunk.length;
        }

        byte[] toArray() {
            return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
        }

        /** Thrown inside the collection, mapped to the attempt's error right after. */
        static final class TooLarge extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooLarge() {
                super(null, null, false, false);
            }
        }
    }

    /** A whole answer: status, the rate-limit headers and the body. */
    private static final class RawResponse {
        final int status;
        final RateLimitInfo rateLimit;
        final byte[] body;

        RawResponse(int status, RateLimitInfo rateLimit, byte[] body) {
            this.status = status;
            this.rateLimit = rateLimit;
            this.body = body;
        }
    }

    /** One HTTP attempt: its recorder, and how to read its answer and whether the request left. */
    private final class Attempt {
        final Call call;
        final Call.Attempt recorder;
        final Operation operation;
        final String requestId;
        final String modelId;
        volatile boolean sent;

        Attempt(Call call, Call.Attempt recorder, String modelId) {
            this.call = call;
            this.recorder = recorder;
            this.operation = call.operation;
            this.requestId = call.requestId();
            this.modelId = modelId;
        }

        ApiResponse<JobStatus> decodeStatus(RawResponse raw) {
            if (!isSuccess(raw.status)) {
                throw failed(raw);
            }
            JobStatus status = read(raw, STATUS_READER);
            if (status.getStatus() == null) {
                throw decodeFailure(raw, "the status answer has no status", null);
            }
            if (status.getRequestId() == null) {
                status.setRequestId(requestId);
            }
            String wrongId = checkRequestId(status.getRequestId());
            if (wrongId != null) {
                throw decodeFailure(raw, wrongId, null);
            }
            completed(raw.status, null);
            return new ApiResponse<>(status, rawStatus(status.getStatus(), raw), raw.rateLimit, recorder);
        }

        ApiResponse<Job> decodeJob(RawResponse raw, ObjectReader reader) {
            if (!isSuccess(raw.status)) {
                throw failed(raw);
            }
            Job job = read(raw, reader);
            if (job.getStatus() == null || job.getRequestId() == null || job.getRequestId().isBlank()) {
                throw decodeFailure(raw, "the job has no " + (job.getStatus() == null ? "status" : "request_id"), null);
            }
            String wrongId = checkRequestId(job.getRequestId());
            if (wrongId != null) {
                throw decodeFailure(raw, wrongId, null);
            }
            completed(raw.status, null);
            return new ApiResponse<>(job, rawStatus(job.getStatus(), raw), raw.rateLimit, recorder);
        }

        /**
         * What is wrong with the request_id an answer carries, or null: the service's ids are
         * checked like a caller's (they become paths of later polls), and an answer about another
         * job than the one asked for is not this job's answer.
         */
        private String checkRequestId(String answered) {
            try {
                Inputs.requireRequestId(answered);
            } catch (IllegalArgumentException malformed) {
                return "its " + malformed.getMessage();
            }
            if (requestId != null && !requestId.equals(answered)) {
                return "it is about another job (request_id " + Failures.printable(answered, 80) + ")";
            }
            return null;
        }

        private <T> T read(RawResponse raw, ObjectReader reader) {
            T value;
            try {
                value = reader.readValue(raw.body);
            } catch (IOException e) {
                throw decodeFailure(raw, "the body is not the expected JSON", e);
            }
            if (value == null) {
                throw decodeFailure(raw, "the body is empty", null);
            }
            return value;
        }

        /** The status string as sent; only an unknown value costs a second look at the body. */
        private String rawStatus(JobState state, RawResponse raw) {
            if (state != JobState.UNKNOWN_DEFAULT_OPEN_API) {
                return state.getValue();
            }
            try {
                JsonNode status = AsyncInvokeJson.MAPPER.readTree(raw.body).get("status");
                return status == null ? state.getValue() : status.asText();
            } catch (IOException e) {
                return state.getValue();
            }
        }

        /** An answer over the limit: a decode error that retrying would only repeat. */
        RuntimeException tooLarge(int status, String how) {
            DecodeException error = new DecodeException(describe() + " answered HTTP " + status + " but its body " + how
                    + " than the " + maxBodyBytes + " bytes an answer may have (AsyncInvokeClientBuilder.maxResponseBytes)",
                    requestId, status, null, null, false);
            completed(status, error);
            return operation == Operation.SUBMIT && isSuccess(status) ? new SubmitOutcomeUnknownException(modelId, error)
                    : error;
        }

        private RuntimeException decodeFailure(RawResponse raw, String problem, Throwable cause) {
            DecodeException error = new DecodeException(describe() + " answered HTTP " + raw.status + " but " + problem,
                    requestId, raw.status, snippet(raw.body), cause);
            completed(raw.status, error);
            // A 2xx to a submit means the job was probably created; without its id the outcome is unknown.
            return operation == Operation.SUBMIT ? new SubmitOutcomeUnknownException(modelId, error) : error;
        }

        private RuntimeException failed(RawResponse raw) {
            String errorId = null;
            String errorMessage = null;
            String errorRequestId = null;
            if (looksLikeJson(raw.body)) {
                try {
                    ApiError envelope = ERROR_READER.readValue(raw.body);
                    if (envelope != null) {
                        errorId = envelope.getId();
                        errorMessage = envelope.getMessage() == null ? null : redactor.apply(envelope.getMessage());
                        errorRequestId = envelope.getRequestId();
                    }
                } catch (IOException notTheEnvelope) {
                    // fall through: the snippet keeps what arrived
                }
            }
            String snippet = errorId == null && errorMessage == null ? snippet(raw.body) : null;
            StringBuilder message = new StringBuilder(describe()).append(" failed: HTTP ").append(raw.status);
            // the fields keep what the server sent; the message, which ends up in logs and terminals, is printable
            if (errorId != null) {
                message.append(' ').append(Failures.printable(errorId, 100));
            }
            if (errorMessage != null) {
                message.append(": ").append(Failures.printable(errorMessage, 500));
            }
            if (snippet != null && !snippet.isEmpty()) {
                message.append(" (body: ").append(snippet).append(')');
            }
            if (errorRequestId != null) {
                message.append(" [error request_id ").append(Failures.printable(errorRequestId, 100)).append(']');
            }
            String text = message.toString();
            ApiException error;
            if (raw.status == 401 || raw.status == 403) {
                error = new AuthenticationException(text, requestId, raw.status, errorId, errorMessage, errorRequestId,
                        raw.rateLimit, snippet);
            } else if (raw.status == 404) {
                error = new NotFoundException(text, requestId, raw.status, errorId, errorMessage, errorRequestId,
                        raw.rateLimit, snippet);
            } else if (raw.status == 429) {
                error = new RateLimitedException(text, requestId, raw.status, errorId, errorMessage, errorRequestId,
                        raw.rateLimit, snippet);
            } else {
                error = new ApiException(text, requestId, raw.status, errorId, errorMessage, errorRequestId,
                        raw.rateLimit, snippet);
            }
            completed(raw.status, error);
            if (operation == Operation.SUBMIT && raw.status >= 500) {
                return new SubmitOutcomeUnknownException(modelId, error);
            }
            return error;
        }

        Throwable transportFailure(Throwable failure) {
            if (failure instanceof AsyncInvokeException || failure instanceof IllegalArgumentException) {
                return failure;
            }
            // A read has no side effect, so only a submit tracks whether its bytes left.
            boolean requestSent = operation == Operation.SUBMIT ? sent : !Failures.isConnectFailure(failure);
            TransportException error = recorder.transportFailure(failure, requestSent, redactor);
            if (operation == Operation.SUBMIT && error.requestSent()) {
                return new SubmitOutcomeUnknownException(modelId, error);
            }
            return error;
        }

        private void completed(int status, Throwable error) {
            recorder.completed(status, error);
        }

        private String describe() {
            return call.describe();
        }
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    private static boolean looksLikeJson(byte[] body) {
        for (byte b : body) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    /** The start of a body, printable, on one line, without the API key. */
    private String snippet(byte[] body) {
        return redactor.apply(Failures.oneLine(body, SNIPPET_LENGTH));
    }
}
