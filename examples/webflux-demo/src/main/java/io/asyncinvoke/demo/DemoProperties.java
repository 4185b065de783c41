package io.asyncinvoke.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The demo's own settings, under {@code demo}. */
@ConfigurationProperties(prefix = "demo")
public class DemoProperties {

    private final Simulator simulator = new Simulator();

    public Simulator getSimulator() {
        return simulator;
    }

    /** The embedded simulator. */
    public static class Simulator {

        /**
         * auto: run on the simulator unless an API key or endpoint is configured; true: always;
         * false: never.
         */
        private String enabled = "auto";

        /** How long each simulated job stays QUEUED. */
        private Duration queuedFor = Duration.ofSeconds(1);

        /** How long each simulated job stays IN_PROGRESS. */
        private Duration runningFor = Duration.ofSeconds(2);

        public String getEnabled() {
            return enabled;
        }

        public void setEnabled(String enabled) {
            this.enabled = enabled;
        }

        public Duration getQueuedFor() {
            return queuedFor;
        }

        public void setQueuedFor(Duration queuedFor) {
            this.queuedFor = queuedFor;
        }

        public Duration getRunningFor() {
            return runningFor;
        }

        public void setRunningFor(Duration runningFor) {
            this.runningFor = runningFor;
        }
    }
}
