package io.tern.rpc.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The heartbeat of one client channel: a PING (id 0) after each interval in which nothing was written. Asking the
 * write queue whether it wrote costs nothing per write, where IdleStateHandler's write tracking costs a promise and
 * a listener each. The read side is the pipeline's IdleStateHandler: 3 silent intervals close the channel.
 */
final class KeepAlive implements Runnable {
    private final ChannelHandlerContext ctx;
    private final long intervalMillis;
    /** True if the channel wrote anything since the last time it was asked. */
    private final BooleanSupplier wroteSinceLastAsked;

    KeepAlive(ChannelHandlerContext ctx, long intervalMillis, BooleanSupplier wroteSinceLastAsked) {
        this.ctx = ctx;
        this.intervalMillis = intervalMillis;
        this.wroteSinceLastAsked = wroteSinceLastAsked;
    }

    /** Starts the beat on the channel's executor; it stops by itself once the channel is inactive. */
    void start() {
        ctx.executor().schedule(this, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!wroteSinceLastAsked.getAsBoolean()) {
            ctx.writeAndFlush(FrameHeader.control(ctx.alloc(), MessageType.PING, 0), ctx.voidPromise());
        }
        start();
    }
}
