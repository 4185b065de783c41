package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.client.DecodeException;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what an async-invoke client does as Micrometer meters. Pass it to
 * {@link io.asyncinvoke.client.AsyncInvokeClientBuilder#listener(AsyncInvokeListener)}; the Spring
 * Boot starter does so by itself when the application has a {@link MeterRegistry}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th></tr>
 *   <tr><td>{@value #REQUESTS}</td><td>timer</td><td>operation, outcome, status</td></tr>
 *   <tr><td>{@value #RETRIES}</td><td>counter</td><td>operation</td></tr>
 *   <tr><td>{@value #RATE_LIMIT_WAITS}</td><td>timer</td><td>—</td></tr>
 *   <tr><td>{@value #JOBS_SUBMITTED}</td><td>counter</td><td>model</td></tr>
 *   <tr><td>{@value #JOBS_COMPLETED}</td><td>counter</td><td>model</td></tr>
 *   <tr><td>{@value #JOBS_FAILED}</td><td>counter</td><td>model</td></tr>
 *   <tr><td>{@value #JOB_DURATION}</td><td>timer</td><td>model, status</td></tr>
 *   <tr><td>{@value #ACTIVE_WATCHES}</td><td>gauge</td><td>—</td></tr>
 *   <tr><td>{@value #BUDGET_STORE_FALLBACKS}</td><td>counter</td><td>—</td></tr>
 *   <tr><td>{@value #BUDGET_STORE_ON_FALLBACK}</td><td>gauge</td><td>—</td></tr>
 * </table>
 *
 * <p>Tag values: {@code operation} is {@code submit}, {@code status}, {@code get} or
 * {@code download}; {@code status} the HTTP status class ({@code 2xx} … {@code 5xx}, or
 * {@code none} when no response arrived); {@code outcome} one of {@code success},
 * {@code client_error}, {@code server_error}, {@code rate_limited}, {@code timeout},
 * {@code connection_error}, {@code decode_error}. {@code model} is the model id; to keep
 * cardinality bounded, models beyond the first {@value #MAX_MODELS} seen are tagged
 * {@code other}. No tag ever carries a request_id.
 *
 * <p>Jobs completed and failed, and their duration (from the job's {@code created_at} to its
 * {@code completed_at}), are counted by the watch that sees a job end: a job watched twice counts
 * twice. The budget store's meters count outages of a shared request budget
 * ({@link io.asyncinvoke.client.spi.BudgetStore}, e.g. Redis): each time a client fell back to its
 * own budget, and how many clients are on it now. Recording never blocks, so it is safe on event-loop threads.
 */
public final class MicrometerAsyncInvokeListener implements AsyncInvokeListener {

    /** Every HTTP attempt, with its duration. */
    public static final String REQUESTS = "asyncinvoke.requests";
    /** Retries scheduled after a failed attempt. */
    public static final String RETRIES = "asyncinvoke.retries";
    /** Waits the service's rate limit asked for, with their length. */
    public static final String RATE_LIMIT_WAITS = "asyncinvoke.ratelimit.waits";
    /** Jobs accepted by the service. */
    public static final String JOBS_SUBMITTED = "asyncinvoke.jobs.submitted";
    /** Jobs seen ending {@code COMPLETED}. */
    public static final String JOBS_COMPLETED = "asyncinvoke.jobs.completed";
    /** Jobs seen ending {@code FAILED}. */
    public static final String JOBS_FAILED = "asyncinvoke.jobs.failed";
    /** Time from a job's creation to its end, by model and final status. */
    public static final String JOB_DURATION = "asyncinvoke.jobs.duration";
    /** Watches currently polling. */
    public static final String ACTIVE_WATCHES = "asyncinvoke.watches.active";

    /** Times a client's budget store failed and the client fell back to its own budget (once per outage). */
    public static final String BUDGET_STORE_FALLBACKS = "asyncinvoke.budget.store.fallbacks";
    /** Clients counting on their own budget now because their budget store is unavailable. */
    public static final String BUDGET_STORE_ON_FALLBACK = "asyncinvoke.budget.store.fallback.active";

    /** How many distinct model ids are used as tag values before the rest become {@code other}. */
    public static final int MAX_MODELS = ModelNames.MAX_MODELS;

    private final MeterProvider<Timer> requests;
    private final MeterProvider<Counter> retries;
    private final Timer rateLimitWaits;
    private final MeterProvider<Counter> submitted;
    private final MeterProvider<Counter> completed;
    private final MeterProvider<Counter> failed;
    private final MeterProvider<Timer> jobDuration;
    private final AtomicInteger activeWatches;
    private final ModelNames models = new ModelNames();
    private final Counter storeFallbacks;
    private final AtomicInteger onFallback;

    // A registry keeps the first gauge registered under a name, so every listener bound to one
    // registry (say, two clients in one application) must count in the same place.
    private static final Map<MeterRegistry, AtomicInteger> ACTIVE_WATCHES_BY_REGISTRY =
            Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<MeterRegistry, AtomicInteger> ON_FALLBACK_BY_REGISTRY =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** Registers the meters in {@code registry}. */
    public MicrometerAsyncInvokeListener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        AtomicInteger[] created = new AtomicInteger[1];
        this.activeWatches = ACTIVE_WATCHES_BY_REGISTRY.computeIfAbsent(registry, r -> created[0] = new AtomicInteger());
        this.requests = Timer.builder(REQUESTS)
                .description("HTTP requests to async-invoke, by operation, outcome and status class")
                .withRegistry(registry);
        this.retries = Counter.builder(RETRIES)
                .description("Retries scheduled after a failed request")
                .withRegistry(registry);
        this.rateLimitWaits = Timer.builder(RATE_LIMIT_WAITS)
                .description("Waits asked for by the service's rate limit")
                .register(registry);
        this.submitted = Counter.builder(JOBS_SUBMITTED)
                .description("Jobs accepted by async-invoke")
                .withRegistry(registry);
        this.completed = Counter.builder(JOBS_COMPLETED)
                .description("Jobs seen ending COMPLETED")
                .withRegistry(registry);
        this.failed = Counter.builder(JOBS_FAILED)
                .description("Jobs seen ending FAILED")
                .withRegistry(registry);
        this.jobDuration = Timer.builder(JOB_DURATION)
                .description("Time from a job's created_at to its completed_at")
                .withRegistry(registry);
        this.storeFallbacks = Counter.builder(BUDGET_STORE_FALLBACKS)
                .description("Times a budget store failed and the client fell back to its own request budget")
                .register(registry);
        AtomicInteger[] createdFallback = new AtomicInteger[1];
        this.onFallback = ON_FALLBACK_BY_REGISTRY.computeIfAbsent(registry, r -> createdFallback[0] = new AtomicInteger());
        if (createdFallback[0] != null) {
            Gauge.builder(BUDGET_STORE_ON_FALLBACK, onFallback, AtomicInteger::get)
                    .description("Clients on their own request budget while their budget store is unavailable")
                    .strongReference(true)
                    .register(registry);
        }
        if (created[0] != null) {
            Gauge.builder(ACTIVE_WATCHES, activeWatches, AtomicInteger::get)
                    .description("Watches currently polling a job")
                    .strongReference(true)
                    .register(registry);
        }
    }

    @Override
    public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
        requests.withTags("operation", operation(exchange.operation()), "outcome", outcome(statusCode, error),
                "status", statusClass(statusCode)).record(duration);
    }

    @Override
    public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
        retries.withTags("operation", operation(exchange.operation())).increment();
    }

    @Override
    public void rateLimitWait(Exchange exchange, Duration delay) {
        rateLimitWaits.record(delay);
    }

    @Override
    public void budgetStoreUnavailable(String store, Throwable cause) {
        storeFallbacks.increment();
        onFallback.incrementAndGet();
    }

    @Override
    public void budgetStoreRestored(String store, Duration outage) {
        onFallback.decrementAndGet();
    }

    @Override
    public void jobSubmitted(Exchange exchange, Job job) {
        submitted.withTags("model", model(job.getModelId() != null ? job.getModelId()
                : exchange == null ? null : exchange.modelId().orElse(null))).increment();
    }

    @Override
    public void jobFinished(JobCall call, Job job) {
        JobState state = job.getStatus();
        if (state != JobState.COMPLETED && state != JobState.FAILED) {
            return;
        }
        String model = model(job.getModelId());
        (state == JobState.COMPLETED ? completed : failed).withTags("model", model).increment();
        if (job.getCreatedAt() != null && job.getCompletedAt() != null) {
            Duration took = Duration.between(job.getCreatedAt(), job.getCompletedAt());
            if (!took.isNegative()) {
                jobDuration.withTags("model", model, "status", state == JobState.COMPLETED ? "completed" : "failed")
                        .record(took);
            }
        }
    }

    @Override
    public void watchStarted(JobCall call) {
        activeWatches.incrementAndGet();
    }

    @Override
    public void watchEnded(JobCall call, Throwable error) {
        activeWatches.decrementAndGet();
    }

    private static String operation(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }

    static String statusClass(int statusCode) {
        return statusCode < 100 || statusCode > 599 ? "none" : (statusCode / 100) + "xx";
    }

    static String outcome(int statusCode, Throwable error) {
        if (error == null) {
            return "success";
        }
        if (error instanceof RateLimitedException || statusCode == 429) {
            return "rate_limited";
        }
        if (error instanceof DecodeException) {
            return "decode_error";
        }
        if (error instanceof TransportException) {
            return ((TransportException) error).isTimeout() ? "timeout" : "connection_error";
        }
        return statusCode >= 500 ? "server_error" : "client_error";
    }

    private String model(String modelId) {
        return models.tag(modelId);
    }

    @Override
    public String toString() {
        return "MicrometerAsyncInvokeListener{activeWatches=" + activeWatches.get() + '}';
    }
}
