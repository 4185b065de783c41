package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Decides whether a failed attempt is retried and after how long. A submit is retried only when
 * it provably was not processed; reads are retried on transient failures.
 */
final class RetryPolicy {

    private final RetryOptions options;
    private final AsyncInvokeListener listener;

    RetryPolicy(RetryOptions options, AsyncInvokeListener listener) {
        this.options = options.validate();
        this.listener = listener;
    }

    /**
     * {@code attempt} must be deferred: each retry resubscribes to it. A chain of
     * {@code onErrorResume} rather than {@code retryWhen}: the same decisions, without a companion
     * sink and subscribers for every request that never fails (most of them).
     */
    <T> Mono<T> apply(Call call, Mono<T> attempt) {
        if (options.maxAttempts() == 1) {
            return attempt;
        }
        return attempt.onErrorResume(failure -> retry(call, attempt, failure, 0));
    }

    private <T> Mono<T> retry(Call call, Mono<T> attempt, Throwable failure, long retriesSoFar) {
        Duration delay = schedule(call, failure, retriesSoFar);
        if (delay == null) {
            return Mono.error(failure);
        }
        return Mono.delay(delay).then(attempt.onErrorResume(next -> retry(call, attempt, next, retriesSoFar + 1)));
    }

    /**
     * As {@link #apply}, for a body streamed as it arrives: a failed attempt is retried only while
     * it has delivered nothing, since a retry starts again from the first byte. {@code attempt}
     * must be deferred.
     */
    <T> Flux<T> applyUntilData(Call call, Flux<T> attempt) {
        if (options.maxAttempts() == 1) {
            return attempt;
        }
        return Flux.defer(() -> {
            AtomicBoolean delivered = new AtomicBoolean();
            return retryUntilData(call, attempt.doOnNext(item -> delivered.set(true)), delivered, 0);
        });
    }

    private <T> Flux<T> retryUntilData(Call call, Flux<T> attempt, AtomicBoolean delivered, long retriesSoFar) {
        return attempt.onErrorResume(failure -> {
            Duration delay = delivered.get() ? null : schedule(call, failure, retriesSoFar);
            return delay == null ? Flux.error(failure)
                    : Mono.delay(delay).thenMany(retryUntilData(call, attempt, delivered, retriesSoFar + 1));
        });
    }

    /** The delay before retrying {@code failure}, reported to the listener; {@code null} for no retry. */
    private Duration schedule(Call call, Throwable failure, long retriesSoFar) {
        Duration delay = retriesSoFar + 1 < options.maxAttempts() && isRetryable(call.operation, failure)
                ? delayBeforeRetry(retriesSoFar, failure, Schedulers.parallel().now(TimeUnit.MILLISECONDS))
                : null;
        if (delay != null && listener != AsyncInvokeListener.NONE) {
            Call.Attempt failed = call.current();
            listener.retryScheduled(failed == null ? null : failed.exchange(), delay, failure);
            if (failure instanceof RateLimitedException) {
                listener.rateLimitWait(failed == null ? null : failed.exchange(), delay);
            }
        }
        return delay;
    }

    static boolean isRetryable(Operation operation, Throwable failure) {
        if (failure instanceof RateLimitedException) {
            return true;
        }
        if (failure instanceof TransportException && !((TransportException) failure).isRetryable()) {
            return false;
        }
        if (operation == Operation.SUBMIT) {
            return failure instanceof TransportException && !((TransportException) failure).requestSent();
        }
        if (failure instanceof AuthenticationException || failure instanceof NotFoundException) {
            return false;
        }
        if (failure instanceof DecodeException) {
            return ((DecodeException) failure).isRetryable();
        }
        if (failure instanceof HttpResponseException) {
            int status = ((HttpResponseException) failure).statusCode();
            // 429 reaches here only from a media host; the API's own 429 is a RateLimitedException
            return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        }
        return failure instanceof TransportException;
    }

    /**
     * Exponential backoff with jitter; a server-requested wait wins when longer. {@code null} when
     * the server asks for more than {@link RetryOptions#maxServerDelay()}: better to surface the
     * error than to hold the caller that long.
     */
    Duration delayBeforeRetry(long retriesSoFar, Throwable failure, long nowMillis) {
        double base = options.minBackoff().toNanos() * Math.pow(2, Math.min(retriesSoFar, 62));
        double capped = Math.min(base, options.maxBackoff().toNanos());
        double spread = 1 + options.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        Duration backoff = Duration.ofNanos((long) Math.min(capped * spread, options.maxBackoff().toNanos()));
        if (failure instanceof HttpResponseException) {
            Duration server = ((HttpResponseException) failure).rateLimit().serverRequestedDelay(nowMillis);
            if (server != null) {
                if (server.compareTo(options.maxServerDelay()) > 0) {
                    return null;
                }
                return server.compareTo(backoff) > 0 ? server : backoff;
            }
        }
        return backoff;
    }
}
