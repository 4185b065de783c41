package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.JobTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link JobTracker} with the application and stops it when the application stops:
 * watches end, submits and handlers under way get the shutdown grace, then every lease is released
 * so that other instances take the jobs over at once. Its phase puts it before the web server on
 * the way up and after it on the way down, so requests that track jobs find the tracker running.
 */
public final class JobTrackerLifecycle implements SmartLifecycle {

    /** Below the web server's phases (its graceful shutdown included): started before it, stopped after it. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger LOG = LoggerFactory.getLogger(JobTrackerLifecycle.class);

    private final JobTracker tracker;

    public JobTrackerLifecycle(JobTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public void start() {
        if (!tracker.isRunning()) {
            tracker.start();
        }
    }

    @Override
    public void stop() {
        tracker.close();
    }

    @Override
    public void stop(Runnable callback) {
        // not on the caller's thread: Spring stops the other beans of this phase meanwhile
        tracker.stop().doFinally(signal -> callback.run())
                .subscribe(null, e -> LOG.warn("Stopping the job tracker failed: {}", e.toString()));
    }

    @Override
    public boolean isRunning() {
        return tracker.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
