package io.asyncinvoke.micrometer;

import io.asyncinvoke.client.spi.Exchange;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.util.Objects;

/**
 * What an observation of one HTTP attempt knows: the {@link Exchange} and, once it ended, the
 * status. A client-side context (span kind {@code CLIENT}); no trace header is added to the
 * request: the listener sees no request, and neither the API nor a presigned media URL needs one.
 */
public final class RequestObservationContext extends RequestReplySenderContext<Object, Integer> {

    private final Exchange exchange;

    /** An observation of {@code exchange}. */
    public RequestObservationContext(Exchange exchange) {
        super((carrier, key, value) -> {
            // nothing to carry the trace: see the class comment
        }, Kind.CLIENT);
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        setRemoteServiceName(exchange.url().isPresent() ? "media" : "async-invoke");
        exchange.url().ifPresent(this::setRemoteServiceAddress);
    }

    /** The attempt observed. */
    public Exchange exchange() {
        return exchange;
    }

    /** The HTTP status, or 0 while none arrived (or when none did). */
    public int statusCode() {
        Integer status = getResponse();
        return status == null ? 0 : status;
    }
}
