package io.asyncinvoke.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and keys of job observations; {@link DefaultJobObservationConvention} is the default. */
public interface JobObservationConvention extends ObservationConvention<JobObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof JobObservationContext;
    }
}
