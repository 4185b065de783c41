package io.asyncinvoke.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and keys of HTTP request observations; {@link DefaultRequestObservationConvention} is the default. */
public interface RequestObservationConvention extends ObservationConvention<RequestObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RequestObservationContext;
    }
}
