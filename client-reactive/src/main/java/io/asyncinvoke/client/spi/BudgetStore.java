package io.asyncinvoke.client.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Where a client's request budget is kept when it is shared with other processes
 * ({@link io.asyncinvoke.client.AsyncInvokeClientBuilder#budgetStore(BudgetStore)}), e.g. in Redis
 * ({@code io.asyncinvoke:client-redis}). Without one, the budget lives in the client's memory, as
 * before: nothing to install.
 *
 * <p>A store only keeps the state that must be shared: the tokens and the service's holds. The
 * client keeps the rules, the same for both kinds of budget: every attempt (retries included)
 * takes a token; requests without one wait in a first-come, first-served queue without holding a
 * thread, and a cancelled one leaves it; the service's rate-limit answers and 429s shrink the budget
 * ({@link Budget#resize}) or hold it ({@link Budget#hold}); while a hold lasts longer than
 * {@code RetryOptions.maxServerDelay}, requests fail at once with a {@code RateLimitedException}.
 *
 * <p>A store must never make a job fail or hang: when one of its calls fails, or has not answered
 * within {@link #timeout()} ({@link #startTimeout()} until it first answered), the client counts its requests on its own, in-process budget (the same
 * {@code RequestBudgetOptions}) at once, logs a WARN once per outage, tells its listener
 * ({@link AsyncInvokeListener#budgetStoreUnavailable}), and tries the store again after
 * {@link #retryInterval()}; once the store answers, the shared budget is used again
 * ({@link AsyncInvokeListener#budgetStoreRestored}).
 *
 * <p>Implementations must be thread-safe and must never block: every call returns at once, and its
 * stage may complete on any thread. Their {@code toString()} names the store in logs and must not
 * carry credentials.
 */
public interface BudgetStore {

    /**
     * The budget of one client, called once when the client is built. Must not block: a store that
     * connects somewhere does so in the background, and its first calls complete once connected.
     */
    Budget open(Spec spec);

    /** How long one call of a {@link Budget} may take before the client counts the store as unavailable (default 500 ms). */
    default Duration timeout() {
        return Duration.ofMillis(500);
    }

    /**
     * How long the first call of a {@link Budget} may take, before the store has ever answered: it
     * may include connecting and a cold start of the client's code (default 5 s). A store that
     * cannot be reached at all should fail that call at once rather than let it run this long.
     */
    default Duration startTimeout() {
        return Duration.ofSeconds(5);
    }

    /** How long the client counts on its own budget after the store failed, before it tries the store again (default 5 s). */
    default Duration retryInterval() {
        return Duration.ofSeconds(5);
    }

    /**
     * What one client asks a store to keep.
     *
     * @param budgetId   the identity of the budget: every client of the same endpoint and API key
     *                   has the same one, and nothing else has. 32 hex digits of a SHA-256 of the
     *                   endpoint and the key; the key itself never reaches a store
     * @param endpoint   the service's base URL, for messages
     * @param bandwidths the token buckets, shortest window first, sized as the in-process budget sizes
     *                   them from the client's {@code RequestBudgetOptions}; a request takes one
     *                   token from each
     */
    record Spec(String budgetId, String endpoint, List<Bandwidth> bandwidths) {
        /** Checks and copies the arguments. */
        public Spec {
            Objects.requireNonNull(budgetId, "budgetId");
            Objects.requireNonNull(endpoint, "endpoint");
            bandwidths = List.copyOf(bandwidths);
            if (bandwidths.isEmpty()) {
                throw new IllegalArgumentException("a budget has at least one bandwidth");
            }
        }
    }

    /**
     * One token bucket: at most {@code capacity} tokens, refilled continuously at
     * {@code refillTokens} per {@code window} (Bucket4j's "greedy" refill). A full bucket is where a
     * budget starts.
     *
     * @param capacity     the tokens that may be spent at once (at least 1)
     * @param refillTokens the tokens added over each {@code window} (at least 1)
     * @param window       the refill period (positive)
     */
    record Bandwidth(long capacity, long refillTokens, Duration window) {
        /** Checks the arguments. */
        public Bandwidth {
            if (capacity < 1 || refillTokens < 1) {
                throw new IllegalArgumentException("capacity and refillTokens must be at least 1");
            }
            if (window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("window must be positive");
            }
        }
    }

    /** The shared state of one client's budget, as kept by a store. */
    interface Budget {

        /**
         * Takes one token from every bandwidth if each has one and no hold lasts; otherwise takes
         * nothing and says how long to wait. The client calls it for the first request of its queue
         * only, and again after the wait it was told.
         */
        CompletionStage<Take> tryTake();

        /**
         * The service asked every client of this key to wait {@code duration} (a 429's
         * {@code Retry-After}, at least a second, or the time to the reset of a spent window): every
         * client sharing the budget must hold until then (a longer hold already there is never
         * shortened), and resume at the refill rate afterwards, not with a burst of the tokens that
         * accumulated meanwhile.
         */
        CompletionStage<Void> hold(Duration duration);

        /**
         * The service reported a limit below the configured one (or again up to it): the budget
         * becomes {@code bandwidths} for every client sharing it, keeping the tokens it has up to the
         * new capacity.
         */
        CompletionStage<Void> resize(List<Bandwidth> bandwidths);
    }

    /** The outcome of {@link Budget#tryTake()}. */
    final class Take {
        private static final Take GRANTED = new Take(true, false, Duration.ZERO);

        private final boolean granted;
        private final boolean held;
        private final Duration wait;

        private Take(boolean granted, boolean held, Duration wait) {
            this.granted = granted;
            this.held = held;
            this.wait = wait;
        }

        /** A token was taken. */
        public static Take granted() {
            return GRANTED;
        }

        /** No token is free; the next one should be in {@code wait}. */
        public static Take retryIn(Duration wait) {
            return new Take(false, false, nonNegative(wait));
        }

        /** The service holds every client of the key for {@code rest} more; nothing was taken. */
        public static Take heldFor(Duration rest) {
            return new Take(false, true, nonNegative(rest));
        }

        private static Duration nonNegative(Duration wait) {
            return wait.isNegative() ? Duration.ZERO : wait;
        }

        /** Whether a token was taken. */
        public boolean isGranted() {
            return granted;
        }

        /** Whether a hold of the service's is what refused the token. */
        public boolean isHeld() {
            return held;
        }

        /** How long to wait before asking again (zero when granted). */
        public Duration waitTime() {
            return wait;
        }

        @Override
        public String toString() {
            return granted ? "Take{granted}" : "Take{" + (held ? "held for " : "retry in ") + wait + '}';
        }
    }
}
