package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.spi.TrackedJob.State;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What the {@code asyncInvokeJobs} health indicator reports, whichever Boot line shows it: up when
 * the tracker runs and its store answers within {@link #TIMEOUT}; the jobs this instance owns, the
 * jobs waiting in the store (not yet handled) and those that need a person (parked, outcome unknown).
 */
final class JobTrackerHealth {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** The verdict and its details. */
    static final class Report {
        final boolean up;
        final Map<String, Object> details;
        final Throwable error;

        Report(boolean up, Map<String, Object> details, Throwable error) {
            this.up = up;
            this.details = details;
            this.error = error;
        }
    }

    private JobTrackerHealth() {
    }

    static Mono<Report> check(JobTracker tracker) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("owner", tracker.owner());
        details.put("running", tracker.isRunning());
        details.put("owned", tracker.ownedCount());
        return tracker.counts().timeout(TIMEOUT)
                .map(counts -> {
                    details.put("waiting", counts.get(State.SUBMITTING) + counts.get(State.SUBMITTED)
                            + counts.get(State.FINISHED));
                    details.put("handled", counts.get(State.HANDLED));
                    details.put("parked", counts.get(State.PARKED));
                    details.put("outcomeUnknown", counts.get(State.OUTCOME_UNKNOWN));
                    details.put("expired", counts.get(State.EXPIRED));
                    return new Report(tracker.isRunning(), details, null);
                })
                .onErrorResume(e -> {
                    details.put("store", "unreachable");
                    return Mono.just(new Report(false, details, e));
                });
    }
}
