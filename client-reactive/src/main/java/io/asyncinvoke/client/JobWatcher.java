package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.JobCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Turns polls into a stream of status changes. By default each poll reads the whole job
 * ({@link PollingEndpoint#JOB}), so the answer that shows the end is the result. With
 * {@link PollingEndpoint#STATUS} it polls the light {@code /status} call and, once that reports a
 * terminal status, reads the whole job once; when the service does not serve {@code /status},
 * {@link StatusEndpoint} switches the client to whole-job reads.
 *
 * <p>Each poll is scheduled only after the previous answer arrived ({@code expand}), so polls
 * never overlap, and each delay is computed at that moment from the last answer. Cancelling
 * cancels the pending delay or the request in flight: nothing is sent afterwards.
 */
final class JobWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobWatcher.class);

    private final JobApi api;
    private final AsyncInvokeListener listener;
    private final StatusEndpoint statusEndpoint;
    private final JobDurations durations;

    /**
     * @param statusEndpoint what the client knows of the light status call (shared with its status reads)
     * @param durations      what the client learns of job durations, shared by all its watches
     */
    JobWatcher(JobApi api, AsyncInvokeListener listener, StatusEndpoint statusEndpoint, JobDurations durations) {
        this.api = api;
        this.listener = listener;
        this.statusEndpoint = statusEndpoint;
        this.durations = durations;
    }

    /** Watches an existing job: polls at once, so the first element is its current status. */
    Flux<JobUpdate> watch(String requestId, PollingOptions options) {
        return Flux.defer(() -> {
            JobCall call = new JobCall(requestId, null, false);
            return observed(call, new Watch(requestId, null, options, false, call).updates(null));
        });
    }

    /** Watches a job just submitted as part of {@code call}: the first element is the submit's answer. */
    Flux<JobUpdate> watchSubmitted(ApiResponse<Job> submitted, PollingOptions options, JobCall call) {
        return Flux.defer(() -> new Watch(submitted.value().getRequestId(), submitted.value().getModelId(), options, true,
                call).updates(submitted));
    }

    /**
     * {@code updates} as the listener sees a watch: started at subscription, ended with the
     * terminal signal or the cancel; {@code call} is in the subscriber context of every request made
     * on the way, so that each exchange names its watch.
     */
    Flux<JobUpdate> observed(JobCall call, Flux<JobUpdate> updates) {
        if (listener == AsyncInvokeListener.NONE) {
            return updates;
        }
        return Flux.defer(() -> {
            listener.watchStarted(call);
            Throwable[] error = new Throwable[1];
            return updates.doOnError(e -> error[0] = e)
                    .doFinally(signal -> listener.watchEnded(call, error[0]));
        }).contextWrite(Context.of(JobCall.class, call));
    }

    /** The state of one subscription. Touched by one signal at a time, as the operators serialise them. */
    private final class Watch {

        private final String requestId;
        /** Known after a submit; a watch by id alone does not know its model (nor its age). */
        private final String modelId;
        private final long startNanos;
        private final PollingOptions options;
        private final PollSchedule schedule;
        private final boolean afterSubmit;
        private final JobCall call;
        /** The attempt that brought the last answer, whose headers set the server's wait. */
        private Call.Attempt lastSource;
        private int pollsDone;
        private String lastStatus;
        private String lastEmitted;
        /** When the server last asked us to wait until (scheduler nanos; 0: it did not). */
        private long serverWaitUntilNanos;
        /** One deferred poll per watch, resubscribed after each delay: nothing is assembled ahead. */
        private final Mono<JobUpdate> pollLater = Mono.defer(this::poll);

        Watch(String requestId, String modelId, PollingOptions options, boolean afterSubmit, JobCall call) {
            this.call = call;
            this.requestId = requestId;
            this.modelId = modelId;
            this.startNanos = Schedulers.parallel().now(TimeUnit.NANOSECONDS);
            this.options = options;
            this.schedule = new PollSchedule(options);
            this.afterSubmit = afterSubmit;
        }

        /**
         * Called at subscription. Memory per watch matters (an application may watch thousands):
         * a capacity hint of 1 for {@code expand}, whose queue never holds more than the next
         * poll, and one {@code handle} rather than {@code filter} plus {@code doOnNext}.
         */
        Flux<JobUpdate> updates(ApiResponse<Job> submitted) {
            Mono<JobUpdate> first = submitted == null ? poll() : Mono.just(observeJob(submitted));
            Duration timeout = options.timeout();
            return first.expand(this::next, 1)
                    .<JobUpdate>handle(this::emitIfChanged)
                    .takeUntilOther(Mono.delay(timeout).then(Mono.error(() -> timedOut(timeout))));
        }

        private Mono<JobUpdate> next(JobUpdate previous) {
            if (previous.isTerminal()) {
                return Mono.empty();
            }
            long nowNanos = Schedulers.parallel().now(TimeUnit.NANOSECONDS);
            Duration serverDelay = serverWaitUntilNanos > nowNanos ? Duration.ofNanos(serverWaitUntilNanos - nowNanos)
                    : serverWaitUntilNanos != 0 ? Duration.ZERO : null;
            Duration delay = schedule.nextDelay(pollsDone, afterSubmit, serverDelay,
                    options.isAdaptive() ? durations.estimate(modelId) : null, nowNanos - startNanos);
            // A wait past the watch's timeout ends in the timeout anyway.
            if (delay.compareTo(options.timeout()) > 0) {
                delay = options.timeout();
            }
            if (serverDelay != null && serverDelay.compareTo(delay) >= 0 && listener != AsyncInvokeListener.NONE) {
                listener.rateLimitWait(lastSource == null ? null : lastSource.exchange(), delay);
            }
            return Mono.delay(delay).then(pollLater);
        }

        private Mono<JobUpdate> poll() {
            if (options.endpoint() == PollingEndpoint.JOB || statusEndpoint.isMissing()) {
                return api.job(requestId).map(this::observePoll);
            }
            return api.status(requestId).flatMap(answer -> {
                pollsDone++;
                observeRateLimit(answer);
                JobStatus status = answer.value();
                if (JobUpdate.isTerminal(status.getStatus())) {
                    return api.job(requestId).map(this::observeJob);
                }
                lastStatus = answer.rawStatus();
                return Mono.just(new JobUpdate(requestId, answer.rawStatus(), status.getStatus(), null));
            }).onErrorResume(StatusEndpoint::isMissingAnswer,
                    missing -> statusEndpoint.readJobInstead(requestId, missing).map(this::observePoll));
        }

        private JobUpdate observePoll(ApiResponse<Job> answer) {
            pollsDone++;
            return observeJob(answer);
        }

        /** Keeps only the moment the server asked us to wait until, not the headers themselves. */
        private void observeRateLimit(ApiResponse<?> answer) {
            lastSource = answer.source();
            RateLimitInfo info = answer.rateLimit();
            if (info.isEmpty()) {
                serverWaitUntilNanos = 0;
                return;
            }
            // now(MILLISECONDS) is wall-clock time, as ratelimit-reset is; now(NANOSECONDS) need not be.
            Duration wait = info.serverRequestedDelay(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
            if (wait == null) {
                serverWaitUntilNanos = 0;
                return;
            }
            // Capped at the timeout: an absurd Retry-After (a date in the year 9999) must not overflow.
            long waitNanos = Math.max(1, (wait.compareTo(options.timeout()) > 0 ? options.timeout() : wait).toNanos());
            serverWaitUntilNanos = Schedulers.parallel().now(TimeUnit.NANOSECONDS) + waitNanos;
        }

        private JobUpdate observeJob(ApiResponse<Job> answer) {
            observeRateLimit(answer);
            lastStatus = answer.rawStatus();
            Job job = answer.value();
            JobState state = job.getStatus();
            boolean attach = afterSubmit && lastEmitted == null || JobUpdate.isTerminal(state);
            return new JobUpdate(requestId, answer.rawStatus(), state, attach ? job : null);
        }

        /** Emits only changes of status; a terminal one also teaches the job's duration. */
        private void emitIfChanged(JobUpdate update, SynchronousSink<JobUpdate> sink) {
            if (update.status().equals(lastEmitted)) {
                return;
            }
            lastEmitted = update.status();
            LOG.debug("job {} is {}", requestId, update.status());
            if (update.isTerminal()) {
                update.job().ifPresent(job -> {
                    durations.learn(job);
                    listener.jobFinished(call, job);
                });
            }
            sink.next(update);
        }

        private AsyncInvokeTimeoutException timedOut(Duration timeout) {
            return new AsyncInvokeTimeoutException(requestId, lastStatus, timeout);
        }
    }
}
