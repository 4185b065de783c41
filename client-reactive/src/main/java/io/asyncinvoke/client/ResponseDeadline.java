package io.asyncinvoke.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * Bounds an API answer as a whole, from sending the request to the last byte of the body: a body
 * trickling in byte by byte cannot hold a call past the response timeout, as a per-read timeout
 * would let it.
 *
 * <p>One per connection, installed by its first request and kept for the connection's life, so
 * that an exchange costs two clock reads rather than a handler added and removed and a timer
 * armed and cancelled. The timer runs on the channel's own event loop and re-arms itself lazily,
 * as Netty's {@code IdleStateHandler} does: when it fires before the current deadline (a later
 * request moved it on) it waits for the rest; when no exchange is in flight it stops until the
 * next request.
 */
final class ResponseDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "asyncInvoke.responseDeadline";

    private static final long NONE = 0;

    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    /** When the exchange in flight must have ended ({@link #NONE}: none in flight). Event loop only. */
    private long deadlineNanos = NONE;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires. */
    private long timerAtNanos;

    /** For {@code HttpClient.doOnRequest}: starts the deadline of the request about to be sent. */
    static void arm(Connection connection, long timeoutNanos) {
        Channel channel = connection.channel();
        if (channel.eventLoop().inEventLoop()) {
            on(channel).start(timeoutNanos);
        } else {
            channel.eventLoop().execute(() -> on(channel).start(timeoutNanos));
        }
    }

    /**
     * The connection's deadline. Pooled connections may be shared by clients with different
     * timeouts (the global pool of {@code HttpClient.create()}), so the handler holds none itself:
     * each request brings its own.
     */
    private static ResponseDeadline on(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        ResponseDeadline deadline = (ResponseDeadline) pipeline.get(NAME);
        if (deadline == null) {
            deadline = new ResponseDeadline();
            // Where the answer arrives as HTTP objects (after the codec), whatever the protocol.
            if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
                pipeline.addBefore(NettyPipeline.ReactiveBridge, NAME, deadline);
            } else {
                pipeline.addLast(NAME, deadline);
            }
        }
        return deadline;
    }

    private void start(long timeoutNanos) {
        if (ctx == null) {
            return; // the channel closed between the request and this call
        }
        deadlineNanos = nonZero(System.nanoTime() + timeoutNanos);
        if (timer != null && timerAtNanos - deadlineNanos > 0) {
            // only when a client with a shorter timeout follows one with a longer on this connection
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            schedule(timeoutNanos);
        }
    }

    private void schedule(long delayNanos) {
        timerAtNanos = deadlineNanos;
        timer = ctx.executor().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent) {
            deadlineNanos = NONE;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
        this.ctx = null;
    }

    private void stop() {
        deadlineNanos = NONE;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (deadlineNanos == NONE || ctx == null) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        deadlineNanos = NONE;
        // As Netty's ReadTimeoutHandler does: the exchange fails with a timeout, the connection goes.
        ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
        ctx.close();
    }

    private static long nonZero(long nanos) {
        return nanos == NONE ? 1 : nanos;
    }
}
