package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.model.Job;
import io.micrometer.observation.Observation;
import java.util.Objects;
import java.util.Optional;

/**
 * What an observation of one job knows: the watch ({@link JobCall}), the model and its family, and
 * once it ended, the job and the outcome. Read by {@link JobObservationConvention}s.
 */
public final class JobObservationContext extends Observation.Context {

    private final JobCall call;
    private volatile String modelId;
    private volatile ModelFamily family;
    private volatile Job job;
    private volatile String outcome;

    /** An observation of {@code call}, whose model (if known) gives the family a first guess. */
    public JobObservationContext(JobCall call) {
        this.call = Objects.requireNonNull(call, "call");
        this.modelId = call.modelId().orElse(null);
        this.family = ModelFamily.guess(modelId);
    }

    /** The watch observed. */
    public JobCall call() {
        return call;
    }

    /** The model, when known: from the submit, or from the job once read. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId);
    }

    /** What the model makes, as far as its id and then its output tell. */
    public ModelFamily family() {
        return family;
    }

    /** The job as it ended, once a watch saw it end. */
    public Optional<Job> job() {
        return Optional.ofNullable(job);
    }

    /**
     * {@code completed}, {@code failed}, {@code timeout}, {@code cancelled} or {@code error};
     * {@code unknown} before the end.
     */
    public String outcome() {
        return outcome == null ? "unknown" : outcome;
    }

    void finished(Job job) {
        this.job = job;
        if (modelId == null && job.getModelId() != null) {
            modelId = job.getModelId();
            family = ModelFamily.guess(modelId);
        }
        family = family.refine(job);
    }

    void outcome(String outcome) {
        this.outcome = outcome;
    }
}
