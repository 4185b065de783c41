package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns polls into a stream of status changes. It polls the light {@code /status} endpoint and,
 * once that reports a terminal status, reads the whole job once: the cheapest way to learn both
 * when the job ended and what it produced.
 *
 * <p>Each poll is scheduled only after the previous answer arrived ({@code expand}), so polls
 * never overlap, and each delay is computed at that moment from the last answer. Cancelling
 * cancels the pending delay or the request in flight: nothing is sent afterwards.
 */
final class JobWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobWatcher.class);

    private final JobApi api;
    private final AsyncInvokeListener listener;

    JobWatcher(JobApi api, AsyncInvokeListener listener) {
        this.api = api;
        this.listener = listener;
    }

    /** Watches an existing job: polls at once, so the first element is its current status. */
    Flux<JobUpdate> watch(String requestId, PollingOptions options) {
        return Flux.defer(() -> new Watch(requestId, options, false).updates(null));
    }

    /** Watches a job just submitted: the first element is the submit's answer. */
    Flux<JobUpdate> watchSubmitted(ApiResponse<Job> submitted, PollingOptions options) {
        return Flux.defer(() -> new Watch(submitted.value.getRequestId(), options, true).updates(submitted));
    }

    /** The state of one subscription. Touched by one signal at a time, as the operators serialise them. */
    private final class Watch {

        private final String requestId;
        private final PollingOptions options;
        private final PollSchedule schedule;
        private final boolean afterSubmit;
        private int pollsDone;
        private String lastStatus;
        private String lastEmitted;
        private RateLimitInfo lastRateLimit = RateLimitInfo.NONE;

        Watch(String requestId, PollingOptions options, boolean afterSubmit) {
            this.requestId = requestId;
            this.options = options;
            this.schedule = new PollSchedule(options);
            this.afterSubmit = afterSubmit;
        }

        Flux<JobUpdate> updates(ApiResponse<Job> submitted) {
            Mono<JobUpdate> first = submitted == null ? poll() : Mono.just(observeJob(submitted));
            Duration timeout = options.timeout();
            return first.expand(this::next)
                    .filter(this::isChange)
                    .doOnNext(this::emitted)
                    .takeUntilOther(Mono.delay(timeout).then(Mono.error(() -> timedOut(timeout))))
                    .doOnSubscribe(subscription -> listener.watchStarted())
                    .doFinally(signal -> listener.watchEnded());
        }

        private Mono<JobUpdate> next(JobUpdate previous) {
            if (previous.isTerminal()) {
                return Mono.empty();
            }
            long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
            Duration serverDelay = lastRateLimit.serverRequestedDelay(now);
            Duration delay = schedule.nextDelay(pollsDone, afterSubmit, serverDelay);
            // A wait past the watch's timeout ends in the timeout anyway; capping it also keeps an
            // absurd Retry-After (say, a date in the year 9999) from overflowing the timer.
            if (delay.compareTo(options.timeout()) > 0) {
                delay = options.timeout();
            }
            if (serverDelay != null && serverDelay.compareTo(delay) >= 0) {
                listener.rateLimitWait(delay);
            }
            return Mono.delay(delay).then(poll());
        }

        private Mono<JobUpdate> poll() {
            return api.status(requestId).flatMap(answer -> {
                pollsDone++;
                lastRateLimit = answer.rateLimit;
                JobStatus status = answer.value;
                if (JobUpdate.isTerminal(status.getStatus())) {
                    return api.job(requestId).map(this::observeJob);
                }
                lastStatus = answer.rawStatus;
                return Mono.just(new JobUpdate(requestId, answer.rawStatus, status.getStatus(), null));
            });
        }

        private JobUpdate observeJob(ApiResponse<Job> answer) {
            lastRateLimit = answer.rateLimit;
            lastStatus = answer.rawStatus;
            Job job = answer.value;
            JobState state = job.getStatus();
            boolean attach = afterSubmit && lastEmitted == null || JobUpdate.isTerminal(state);
            return new JobUpdate(requestId, answer.rawStatus, state, attach ? job : null);
        }

        private boolean isChange(JobUpdate update) {
            return !update.status().equals(lastEmitted);
        }

        private void emitted(JobUpdate update) {
            lastEmitted = update.status();
            LOG.debug("job {} is {}", requestId, update.status());
            if (update.isTerminal()) {
                update.job().ifPresent(listener::jobFinished);
            }
        }

        private AsyncInvokeTimeoutException timedOut(Duration timeout) {
            return new AsyncInvokeTimeoutException(requestId, lastStatus, timeout);
        }
    }
}
