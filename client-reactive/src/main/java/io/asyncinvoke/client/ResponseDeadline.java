package io.asyncinvoke.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Bounds an API answer as a whole, from sending the request to the last byte of the body: a body
 * trickling in byte by byte cannot hold a call past the response timeout, as a per-read timeout
 * would let it. The timer runs on the channel's own event loop and is cancelled when the exchange
 * ends (the handler is removed then), so it costs no thread hop, unlike a timer per request on a
 * Reactor scheduler.
 */
final class ResponseDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "asyncInvoke.responseDeadline";

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;

    private ResponseDeadline(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** For {@code HttpClient.doOnRequest}: arms a new deadline for each request. */
    static void arm(HttpClientRequest request, Connection connection, Duration timeout) {
        connection.addHandlerFirst(NAME, new ResponseDeadline(timeout.toNanos()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        // As Netty's ReadTimeoutHandler does: the exchange fails with a timeout, the connection goes.
        ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
        ctx.close();
    }
}
