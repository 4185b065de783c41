package io.asyncinvoke.micrometer;

import io.asyncinvoke.micrometer.AsyncInvokeObservationDocumentation.JobHighCardinalityKeys;
import io.asyncinvoke.micrometer.AsyncInvokeObservationDocumentation.JobKeys;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of job observations: named {@value ObservationAsyncInvokeListener#JOB_OBSERVATION},
 * its span {@code "<operation> <model>"} ({@code image fal-ai/flux/schnell}), as the OpenTelemetry
 * GenAI conventions name spans. Model ids beyond the first {@value ModelNames#MAX_MODELS} become
 * {@code other}, so that meters made from the observation stay bounded.
 */
public class DefaultJobObservationConvention implements JobObservationConvention {

    /** The value of {@code gen_ai.system}. */
    public static final String SYSTEM = "digitalocean";

    private final ModelNames models = new ModelNames();

    @Override
    public String getName() {
        return ObservationAsyncInvokeListener.JOB_OBSERVATION;
    }

    @Override
    public String getContextualName(JobObservationContext context) {
        return context.family().operation() + " " + context.modelId().orElse("(watch)");
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(JobObservationContext context) {
        return KeyValues.of(
                JobKeys.OPERATION.withValue(context.family().operation()),
                JobKeys.SYSTEM.withValue(SYSTEM),
                JobKeys.MODEL.withValue(models.tag(context.modelId().orElse(null))),
                JobKeys.FAMILY.withValue(context.family().key()),
                JobKeys.OUTCOME.withValue(context.outcome()),
                JobKeys.CALL.withValue(context.call().withSubmit() ? "submit_and_watch" : "watch"));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(JobObservationContext context) {
        KeyValues values = KeyValues.empty();
        String requestId = context.call().requestId().orElse(null);
        if (requestId != null) {
            values = values.and(JobHighCardinalityKeys.REQUEST_ID.withValue(requestId));
        }
        String status = context.job().map(job -> job.getStatus() == null ? null : job.getStatus().getValue())
                .orElse(null);
        if (status != null) {
            values = values.and(JobHighCardinalityKeys.STATUS.withValue(status));
        }
        return values;
    }
}
