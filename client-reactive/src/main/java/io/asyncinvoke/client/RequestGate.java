package io.asyncinvoke.client;

import reactor.core.publisher.Mono;

/**
 * The request budget as the HTTP calls see it: each attempt behind a token, and every answer's
 * rate-limit state fed back. In process ({@link RequestBudget}) or kept by a
 * {@link io.asyncinvoke.client.spi.BudgetStore} ({@link StoredBudget}).
 */
interface RequestGate {

    /** {@code request} behind one token: each subscription (so each retry) waits for its own; a wait is reported as one of {@code attempt}. */
    <T> Mono<T> gate(Call.Attempt attempt, Mono<T> request);

    /**
     * Adjusts the budget to what an answer said about the service's own count. Never throws: the
     * answer it comes with (a job just created, say) must reach the caller whatever the headers.
     */
    void onAnswer(int statusCode, RateLimitInfo info);
}
