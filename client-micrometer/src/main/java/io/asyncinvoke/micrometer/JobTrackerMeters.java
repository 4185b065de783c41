package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.JobTracker;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;

/**
 * Gauges of a {@link JobTracker}: the jobs this instance works on, the records of the whole store
 * by state (as of the tracker's last round, so reading them never queries the store), and whether
 * the store answers. Bind it once per tracker: {@code new JobTrackerMeters(tracker).bindTo(registry)}.
 */
public final class JobTrackerMeters implements MeterBinder {

    /** Jobs this instance works on now (submitting, watching or handling). */
    public static final String OWNED = "asyncinvoke.tracker.jobs.owned";
    /** Records in the store, tagged {@code state} (submitting, submitted, finished, handled, outcome_unknown, expired, parked). */
    public static final String JOBS = "asyncinvoke.tracker.jobs";
    /** 1 while the store answers the tracker's rounds, 0 after a failed one. */
    public static final String STORE_UP = "asyncinvoke.tracker.store.up";

    private final JobTracker tracker;

    /** Meters of {@code tracker}. */
    public JobTrackerMeters(JobTracker tracker) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(OWNED, tracker, JobTracker::ownedCount)
                .description("Tracked jobs this instance works on (submitting, watching or handling)")
                .register(registry);
        for (State state : State.values()) {
            Gauge.builder(JOBS, tracker, t -> t.lastCounts().getOrDefault(state, 0L))
                    .description("Tracked jobs in the store by state, as of the tracker's last round")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder(STORE_UP, tracker, t -> t.isStoreAnswering() ? 1 : 0)
                .description("Whether the job store answered the tracker's last round")
                .register(registry);
    }
}
