package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.micrometer.AsyncInvokeObservationDocumentation.RequestHighCardinalityKeys;
import io.asyncinvoke.micrometer.AsyncInvokeObservationDocumentation.RequestKeys;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * The default names and keys of HTTP request observations: named
 * {@value ObservationAsyncInvokeListener#REQUEST_OBSERVATION}, its span named after the method and
 * route, as OpenTelemetry names HTTP client spans: {@code POST /v1/async-invoke},
 * {@code GET /v1/async-invoke/{request_id}}, {@code GET /v1/async-invoke/{request_id}/status},
 * and {@code GET media} for a download.
 */
public class DefaultRequestObservationConvention implements RequestObservationConvention {

    private final ModelNames models = new ModelNames();

    @Override
    public String getName() {
        return ObservationAsyncInvokeListener.REQUEST_OBSERVATION;
    }

    @Override
    public String getContextualName(RequestObservationContext context) {
        switch (context.exchange().operation()) {
            case SUBMIT:
                return "POST /v1/async-invoke";
            case STATUS:
                return "GET /v1/async-invoke/{request_id}/status";
            case GET:
                return "GET /v1/async-invoke/{request_id}";
            default:
                return "GET media";
        }
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RequestObservationContext context) {
        Exchange exchange = context.exchange();
        int status = context.statusCode();
        return KeyValues.of(
                RequestKeys.OPERATION.withValue(exchange.operation().name().toLowerCase(Locale.ROOT)),
                RequestKeys.METHOD.withValue(exchange.operation() == Operation.SUBMIT ? "POST" : "GET"),
                RequestKeys.STATUS_CODE.withValue(status == 0 ? "none" : Integer.toString(status)),
                RequestKeys.OUTCOME.withValue(context.getResponse() == null && context.getError() == null ? "unknown"
                        : MicrometerAsyncInvokeListener.outcome(status, context.getError())),
                RequestKeys.MODEL.withValue(models.tag(exchange.modelId().orElse(null))));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RequestObservationContext context) {
        Exchange exchange = context.exchange();
        KeyValues values = KeyValues.of(RequestHighCardinalityKeys.ATTEMPT.withValue(Integer.toString(exchange.attempt())));
        String requestId = exchange.requestId().orElse(null);
        if (requestId != null) {
            values = values.and(RequestHighCardinalityKeys.REQUEST_ID.withValue(requestId));
        }
        String url = exchange.url().orElse(null);
        if (url != null) {
            values = values.and(RequestHighCardinalityKeys.URL.withValue(url));
        }
        return values;
    }
}
