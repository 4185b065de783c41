package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One call of the client, an API request or a download, with all its attempts: the one place that
 * times an attempt, tells the listener about it (as OkHttp's {@code RealCall} drives its
 * {@code EventListener}), logs it, and turns a network failure into a {@link TransportException}.
 * The policies around an attempt (retries, the request budget, the in-flight limit) take the call
 * so that every event they report names the attempt it concerns.
 */
final class Call {

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);

    final Operation operation;
    private final String requestId;
    private final String modelId;
    private final String url;
    private final JobCall job;
    private final AsyncInvokeListener listener;
    private int attempts;
    private Attempt current;

    /**
     * @param url for a download, the URL without its query string
     * @param job the watch this call is part of, from the subscriber's context, or {@code null}
     */
    Call(Operation operation, String requestId, String modelId, String url, JobCall job, AsyncInvokeListener listener) {
        this.operation = operation;
        this.requestId = requestId;
        this.modelId = modelId;
        this.url = url;
        this.job = job;
        this.listener = listener;
    }

    /**
     * The attempts of a call as one Mono: each subscription (each retry) is a new attempt, made by
     * {@code attempt}; {@code policies} wraps them (retries outermost).
     */
    static <T> Mono<T> of(Operation operation, String requestId, String modelId, String url, AsyncInvokeListener listener,
                          Function<Call, Mono<T>> run) {
        return Mono.deferContextual(context -> run.apply(new Call(operation, requestId, modelId, url,
                context.getOrDefault(JobCall.class, null), listener)));
    }

    /** As {@link #of}, for a call whose answer is a stream ({@code run} makes the attempts' Flux). */
    static <T> Flux<T> many(Operation operation, String requestId, String modelId, String url,
                            AsyncInvokeListener listener, Function<Call, Flux<T>> run) {
        return Flux.deferContextual(context -> run.apply(new Call(operation, requestId, modelId, url,
                context.getOrDefault(JobCall.class, null), listener)));
    }

    /** A new attempt; the latest is {@link #current()}. */
    Attempt next() {
        current = new Attempt(++attempts);
        return current;
    }

    /** The latest attempt, or {@code null} before the first. */
    Attempt current() {
        return current;
    }

    String requestId() {
        return requestId;
    }

    AsyncInvokeListener listener() {
        return listener;
    }

    /** What the call is, for messages: "Submit to fal-ai/flux/schnell", "Read of job ...". */
    String describe() {
        switch (operation) {
            case SUBMIT:
                return "Submit to " + modelId;
            case STATUS:
                return "Status of job " + requestId;
            case GET:
                return "Read of job " + requestId;
            default:
                return "Download of " + url + (requestId == null ? "" : " (job " + requestId + ")");
        }
    }

    /** One HTTP attempt of the call. */
    final class Attempt {
        private final int number;
        private long startNanos = System.nanoTime();
        private Exchange exchange;

        Attempt(int number) {
            this.number = number;
        }

        /** The attempt as listeners see it; made on first use, so a client without listener makes none. */
        Exchange exchange() {
            if (exchange == null) {
                exchange = new Exchange(operation, number, requestId, modelId, url, job);
            }
            return exchange;
        }

        /** The request is about to go. */
        void started() {
            startNanos = System.nanoTime();
            if (listener != AsyncInvokeListener.NONE) {
                listener.requestStarted(exchange());
            }
        }

        /** The attempt ended: with an answer ({@code status}) or without (0); {@code error} unless a 2xx. */
        void completed(int status, Throwable error) {
            if (listener == AsyncInvokeListener.NONE && !LOG.isDebugEnabled()) {
                return;
            }
            Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
            listener.requestCompleted(exchange(), status, error, duration);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} (attempt {}) -> {} in {} ms", describe(), number,
                        status == 0 ? "no response" : String.valueOf(status), duration.toMillis());
            }
        }

        /**
         * A failure without an answer as a {@link TransportException}, recorded. A refused TLS
         * handshake is not retryable and sent nothing.
         *
         * @param requestSent whether the request may have reached the server (when not a TLS refusal)
         * @param clean       applied to the underlying message, which came from the network
         */
        TransportException transportFailure(Throwable failure, boolean requestSent, UnaryOperator<String> clean) {
            boolean timeout = Failures.isTimeout(failure);
            boolean tls = Failures.isTlsRefusal(failure);
            boolean sent = !tls && requestSent;
            TransportException error = new TransportException(describe() + " failed: "
                    + (timeout ? "timed out" : tls ? "the TLS handshake failed (is the certificate trusted?)"
                    : "connection error") + (sent || operation == Operation.DOWNLOAD ? "" : " before the request was sent")
                    + " (" + Failures.cause(failure, clean) + ")", requestId, sent, timeout, failure, !tls);
            completed(0, error);
            return error;
        }
    }
}
