package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Retry decisions and delays, in virtual time. */
class RetryPolicyTest {

    private static final RetryOptions NO_JITTER = RetryOptions.defaults().withJitter(0);

    @BeforeAll
    static void neverHang() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(10));
    }

    /** Fails with the given errors in turn, then succeeds; records the time of each attempt. */
    private static final class Flaky {
        final List<Long> attempts = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final Throwable[] failures;

        Flaky(Throwable... failures) {
            this.failures = failures;
        }

        Mono<String> call() {
            return Mono.defer(() -> {
                attempts.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
                int n = calls.getAndIncrement();
                return n < failures.length ? Mono.error(failures[n]) : Mono.just("ok");
            });
        }
    }

    private static ApiException api(int status) {
        return new ApiException("HTTP " + status, "r", status, null, null, null, RateLimitInfo.NONE, null);
    }

    private static RateLimitedException rateLimited(Duration retryAfter) {
        return new RateLimitedException("429", "r", 429, "too_many_requests", "slow down", null,
                new RateLimitInfo(250, 0, null, retryAfter), null);
    }

    private static TransportException transport(boolean sent) {
        return new TransportException("connection", "r", sent, false, null);
    }

    @Test
    void readsAreRetriedOnTransientFailuresWithExponentialBackoff() {
        Flaky flaky = new Flaky(api(503), api(502), transport(true));
        RetryPolicy policy = new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE);

        StepVerifier.withVirtualTime(() -> policy.apply(call(Operation.STATUS), flaky.call()))
                .thenAwait(Duration.ofSeconds(10))
                .expectNext("ok")
                .verifyComplete();

        assertThat(flaky.attempts).containsExactly(0L, 250L, 750L, 1750L);
    }

    @Test
    void readsGiveUpAfterMaxAttemptsWithTheLastTypedError() {
        ApiException last = api(504);
        Flaky flaky = new Flaky(api(503), api(503), api(500), last, api(503));
        RetryPolicy policy = new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE);

        StepVerifier.withVirtualTime(() -> policy.apply(call(Operation.GET), flaky.call()))
                .thenAwait(Duration.ofSeconds(10))
                .expectErrorMatches(error -> error == last)
                .verify();

        assertThat(flaky.calls).hasValue(4);
    }

    @Test
    void notFoundAuthenticationAndBadRequestAreNotRetried() {
        for (ApiException error : new ApiException[] {
                new NotFoundException("404", "r", 404, null, null, null, RateLimitInfo.NONE, null),
                new AuthenticationException("401", "r", 401, null, null, null, RateLimitInfo.NONE, null),
                api(400)}) {
            Flaky flaky = new Flaky(error);
            StepVerifier.create(new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE).apply(call(Operation.STATUS), flaky.call()))
                    .expectErrorMatches(e -> e == error)
                    .verify();
            assertThat(flaky.calls).as("attempts for HTTP %s", error.statusCode()).hasValue(1);
        }
    }

    @Test
    void retryAfterWinsOverAShorterBackoff() {
        Flaky flaky = new Flaky(rateLimited(Duration.ofSeconds(3)));

        StepVerifier.withVirtualTime(() -> new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE)
                        .apply(call(Operation.STATUS), flaky.call()))
                .thenAwait(Duration.ofSeconds(5))
                .expectNext("ok")
                .verifyComplete();

        assertThat(flaky.attempts).containsExactly(0L, 3000L);
    }

    @Test
    void aServerWaitBeyondTheLimitSurfacesAtOnce() {
        RateLimitedException error = rateLimited(Duration.ofMinutes(10));
        Flaky flaky = new Flaky(error);

        StepVerifier.create(new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE).apply(call(Operation.STATUS), flaky.call()))
                .expectErrorMatches(e -> e == error)
                .verify();

        assertThat(flaky.calls).hasValue(1);
    }

    @Test
    void aSubmitIsRetriedOnlyWhenProvablyNotProcessed() {
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT, transport(false))).isTrue();
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT, rateLimited(Duration.ofSeconds(1)))).isTrue();
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT, transport(true))).isFalse();
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT, api(503))).isFalse();
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT,
                new SubmitOutcomeUnknownException("m", api(503)))).isFalse();
        assertThat(RetryPolicy.isRetryable(Operation.SUBMIT,
                new DecodeException("bad", null, 200, "{", null))).isFalse();
    }

    @Test
    void aSubmitRefusedBeforeSendingIsRetriedAndThenSucceeds() {
        Flaky flaky = new Flaky(transport(false), rateLimited(Duration.ofSeconds(1)));

        StepVerifier.withVirtualTime(() -> new RetryPolicy(NO_JITTER, AsyncInvokeListener.NONE)
                        .apply(call(Operation.SUBMIT), flaky.call()))
                .thenAwait(Duration.ofSeconds(5))
                .expectNext("ok")
                .verifyComplete();

        assertThat(flaky.calls).hasValue(3);
    }

    @Test
    void jitteredBackoffStaysWithinBounds() {
        RetryPolicy policy = new RetryPolicy(RetryOptions.defaults().withJitter(0.5), AsyncInvokeListener.NONE);
        for (int i = 0; i < 1000; i++) {
            long retries = i % 8;
            Duration delay = policy.delayBeforeRetry(retries, api(503), 0);
            double nominal = Math.min(250 * Math.pow(2, retries), 8000);
            assertThat(delay.toMillis()).isBetween((long) (nominal * 0.5) - 1, (long) Math.min(nominal * 1.5, 8000));
        }
    }

    @Test
    void noneMeansASingleAttempt() {
        Flaky flaky = new Flaky(api(503));

        StepVerifier.create(new RetryPolicy(RetryOptions.none(), AsyncInvokeListener.NONE)
                        .apply(call(Operation.STATUS), flaky.call()))
                .expectError(ApiException.class)
                .verify();

        assertThat(flaky.calls).hasValue(1);
    }

    @Test
    void theListenerHearsOfEachRetryAndRateLimitWait() {
        List<String> events = new ArrayList<>();
        AsyncInvokeListener listener = new AsyncInvokeListener() {
            @Override
            public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
                Operation operation = exchange.operation();
                events.add("retry " + operation + " " + delay.toMillis());
            }

            @Override
            public void rateLimitWait(Exchange exchange, Duration delay) {
                events.add("wait " + delay.toMillis());
            }
        };
        Flaky flaky = new Flaky(api(503), rateLimited(Duration.ofSeconds(2)));

        StepVerifier.withVirtualTime(() -> new RetryPolicy(NO_JITTER, listener).apply(call(Operation.GET), flaky.call()))
                .thenAwait(Duration.ofSeconds(5))
                .expectNext("ok")
                .verifyComplete();

        assertThat(events).containsExactly("retry GET 250", "retry GET 2000", "wait 2000");
    }

    /** A call with its first attempt under way, as the client makes them. */
    private static Call call(Operation operation) {
        Call call = new Call(operation, "r", "m", null, null, AsyncInvokeListener.NONE);
        call.next();
        return call;
    }
}
