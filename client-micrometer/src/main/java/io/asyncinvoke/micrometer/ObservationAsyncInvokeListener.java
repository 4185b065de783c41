package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.model.Job;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer {@link Observation}s of what an async-invoke client does, so that an application
 * with tracing (Micrometer Tracing over OpenTelemetry or Brave) sees spans, and one with a
 * {@code DefaultMeterObservationHandler} gets timers:
 *
 * <ul>
 *   <li>one {@value #JOB_OBSERVATION} observation per job watch, from its subscription (the submit
 *       included, for {@code submitAndWatch} and {@code invoke}) to its end: low-cardinality
 *       {@code gen_ai.operation.name}, {@code gen_ai.system}, {@code gen_ai.request.model},
 *       {@code asyncinvoke.family}, {@code asyncinvoke.outcome}, {@code asyncinvoke.call}; high-cardinality
 *       {@code asyncinvoke.request_id} and {@code asyncinvoke.status}. A job that ends {@code FAILED} is recorded
 *       as an error (the server's message), as are a timeout and any other failure; a cancelled
 *       watch has the outcome {@code cancelled};</li>
 *   <li>one {@value #REQUEST_OBSERVATION} observation per HTTP attempt (each retry is another), the
 *       child of its job's observation: {@code asyncinvoke.operation}, {@code http.request.method},
 *       {@code http.response.status_code}, {@code asyncinvoke.outcome}, {@code gen_ai.request.model};
 *       high-cardinality {@code asyncinvoke.request_id}, {@code asyncinvoke.attempt}, and {@code url.full} for a
 *       download (never its query string).</li>
 * </ul>
 *
 * <p>A job observation's parent is the registry's current observation on the thread that
 * subscribes (an observation opened in scope around a blocking call, or a server request's under
 * Reactor's automatic context propagation); an attempt outside any watch (a lone {@code submit},
 * {@code get}, {@code status} or a download) is parented the same way. All keys and names are
 * documented in {@link AsyncInvokeObservationDocumentation}; {@link JobObservationConvention} and
 * {@link RequestObservationConvention} change them.
 *
 * <p>With {@link ObservationRegistry#NOOP} nothing is recorded and nothing is allocated. Combine
 * with the meters of {@link MicrometerAsyncInvokeListener} through
 * {@link AsyncInvokeListener#of(AsyncInvokeListener...)}.
 */
public final class ObservationAsyncInvokeListener implements AsyncInvokeListener {

    /** The name of job observations. */
    public static final String JOB_OBSERVATION = "asyncinvoke.job";
    /** The name of HTTP request observations. */
    public static final String REQUEST_OBSERVATION = "asyncinvoke.http";

    /** This listener's key for its state on a {@link JobCall} and an {@link Exchange}. */
    private final Object key = new Object();
    private final ObservationRegistry registry;
    private final JobObservationConvention jobConvention;
    private final RequestObservationConvention requestConvention;
    private final JobObservationConvention defaultJobConvention = new DefaultJobObservationConvention();
    private final RequestObservationConvention defaultRequestConvention = new DefaultRequestObservationConvention();

    /** Observations in {@code registry}, with the default conventions. */
    public ObservationAsyncInvokeListener(ObservationRegistry registry) {
        this(registry, null, null);
    }

    /**
     * Observations in {@code registry}; a {@code null} convention means the default one (or one
     * the registry's configuration puts in its place).
     */
    public ObservationAsyncInvokeListener(ObservationRegistry registry, JobObservationConvention jobConvention,
            RequestObservationConvention requestConvention) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.jobConvention = jobConvention;
        this.requestConvention = requestConvention;
    }

    @Override
    public void watchStarted(JobCall call) {
        if (registry.isNoop()) {
            return;
        }
        JobObservationContext context = new JobObservationContext(call);
        Observation observation = AsyncInvokeObservationDocumentation.JOB.observation(jobConvention,
                defaultJobConvention, () -> context, registry);
        call.attribute(key, new JobState(observation, context));
        observation.start();
    }

    @Override
    public void jobSubmitted(Exchange exchange, Job job) {
        JobState state = exchange == null ? null : exchange.call().map(this::state).orElse(null);
        if (state != null) {
            state.observation.event(Observation.Event.of("asyncinvoke.submitted", "submitted"));
        }
    }

    @Override
    public void jobFinished(JobCall call, Job job) {
        JobState state = state(call);
        if (state == null) {
            return;
        }
        state.context.finished(job);
        if (job.getStatus() == io.asyncinvoke.model.JobState.FAILED) {
            state.context.outcome("failed");
            state.observation.error(new AsyncInvokeException("Job " + job.getRequestId() + " failed: "
                    + printable(job.getError() == null ? "the service gave no reason" : job.getError()),
                    job.getRequestId(), null));
        } else if (job.getStatus() == io.asyncinvoke.model.JobState.COMPLETED) {
            state.context.outcome("completed");
        }
    }

    @Override
    public void watchEnded(JobCall call, Throwable error) {
        JobState state = state(call);
        if (state == null) {
            return;
        }
        call.attribute(key, null);
        if (error != null) {
            state.context.outcome(error instanceof AsyncInvokeTimeoutException ? "timeout" : "error");
            state.observation.error(error);
        } else if (state.context.job().isEmpty()) {
            state.context.outcome("cancelled");
        }
        // attempts cut short by a cancel report no end: they end with their watch
        for (Observation open : state.openRequests) {
            open.event(Observation.Event.of("asyncinvoke.cancelled", "cancelled"));
            open.stop();
        }
        state.openRequests.clear();
        state.observation.stop();
    }

    @Override
    public void requestStarted(Exchange exchange) {
        if (registry.isNoop()) {
            return;
        }
        JobState parent = exchange.call().map(this::state).orElse(null);
        RequestObservationContext context = new RequestObservationContext(exchange);
        Observation observation = AsyncInvokeObservationDocumentation.REQUEST.observation(requestConvention,
                defaultRequestConvention, () -> context, registry);
        exchange.attribute(key, observation);
        if (parent == null) {
            observation.start();
            return;
        }
        observation.parentObservation(parent.observation);
        parent.openRequests.add(observation);
        // Started within the job's scope: a tracing handler takes the thread's current span over
        // the parent observation's when they differ, and under automatic context propagation the
        // thread's is the caller's (a server request's), not the job's.
        try (Observation.Scope scope = parent.observation.openScope()) {
            observation.start();
        }
    }

    @Override
    public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
        Observation observation = exchange.attribute(key);
        if (observation == null) {
            return;
        }
        exchange.attribute(key, null);
        JobState parent = exchange.call().map(this::state).orElse(null);
        if (parent != null) {
            parent.openRequests.remove(observation);
        }
        if (statusCode > 0) {
            ((RequestObservationContext) observation.getContext()).setResponse(statusCode);
        }
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    @Override
    public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
        JobState state = exchange == null ? null : exchange.call().map(this::state).orElse(null);
        if (state != null) {
            state.observation.event(Observation.Event.of("asyncinvoke.retry", "retry after " + delay.toMillis() + " ms"));
        }
    }

    @Override
    public void rateLimitWait(Exchange exchange, Duration delay) {
        JobState state = exchange == null ? null : exchange.call().map(this::state).orElse(null);
        if (state != null) {
            state.observation.event(Observation.Event.of("asyncinvoke.ratelimit.wait",
                    "rate-limit wait " + delay.toMillis() + " ms"));
        }
    }

    private JobState state(JobCall call) {
        return call.attribute(key);
    }

    /** The server's text on one line, without control or formatting characters, at most 1000 characters. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 1000));
        text.codePoints().limit(1000).forEach(c -> {
            int type = Character.getType(c);
            out.appendCodePoint(Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR ? ' ' : c);
        });
        return out.toString();
    }

    @Override
    public String toString() {
        return "ObservationAsyncInvokeListener{" + registry + '}';
    }

    /** The observation of one watch, and its attempts in flight. */
    private static final class JobState {
        final Observation observation;
        final JobObservationContext context;
        final Set<Observation> openRequests = ConcurrentHashMap.newKeySet();

        JobState(Observation observation, JobObservationContext context) {
            this.observation = observation;
            this.context = context;
        }
    }
}
