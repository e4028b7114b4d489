package io.tern.rpc.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerConfig;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's share of the provider: counts its calls in flight, refuses one past its hard share or when the
 * business executor is full (SERVER_BUSY), and stops reading the connection (backpressure) while its client does not
 * read its responses or it holds its soft share of calls.
 */
final class CallAdmission {
    private final ChannelHandlerContext ctx;
    private final ServerDrain drain;
    private final BusinessExecutor executor;
    private final ServerConfig config;
    /** Calls of this connection admitted and not yet answered. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** In-flight calls at which this connection stops being read: a quarter of what the executor admits (at least 64). */
    private final int pauseAt;

    CallAdmission(ChannelHandlerContext ctx, ServerDrain drain, BusinessExecutor executor, ServerConfig config) {
        this.ctx = ctx;
        this.drain = drain;
        this.executor = executor;
        this.config = config;
        this.pauseAt = Math.max(64, (config.executorThreads() + config.executorQueue()) / 4);
    }

    /** Admits {@code call} and runs it: inline in DIRECT mode, else on the business executor. */
    void dispatch(Runnable call, boolean direct) throws RequestRefused {
        admit();
        if (direct) {
            call.run();
        } else {
            queue(call);
        }
    }

    /**
     * Counts a call against the server and this connection; refused past the connection's hard share. Past its soft
     * share the connection stops being read until half of its calls are done.
     */
    void admit() throws RequestRefused {
        int n = inFlight.incrementAndGet();
        if (n > 2 * pauseAt) {
            inFlight.decrementAndGet();
            throw new RequestRefused(Status.SERVER_BUSY, "connection from " + FrameDecoder.peer(ctx.channel().remoteAddress())
                    + " already has " + (n - 1) + " calls in flight at provider " + FrameDecoder.peer(ctx.channel().localAddress())
                    + ", its share of rpc.server.executor-threads + rpc.server.executor-queue");
        }
        if (n == pauseAt) {
            updateAutoRead();
        }
        drain.callStarted();
    }

    /** Queues an admitted call on the business executor; refused (and no longer counted) when it is full. */
    void queue(Runnable call) throws RequestRefused {
        try {
            executor.execute(call);
        } catch (RejectedExecutionException e) {
            callEnded();
            throw new RequestRefused(Status.SERVER_BUSY, "provider " + FrameDecoder.peer(ctx.channel().localAddress())
                    + " is busy: all " + config.executorThreads() + " business threads and " + config.executorQueue()
                    + " queue slots taken (rpc.server.executor-threads / rpc.server.executor-queue)");
        }
    }

    /** A call admitted by {@link #admit} ended (answered, refused, or never to run). Any thread. */
    void callEnded() {
        drain.callFinished();
        if (inFlight.decrementAndGet() == pauseAt / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.executor().execute(this::updateAutoRead);
        }
    }

    boolean hasCallsInFlight() {
        return inFlight.get() > 0;
    }

    /**
     * Backpressure: a connection is read only while its client reads its responses (outbound under the write
     * water mark) and it holds fewer than {@link #pauseAt} calls in flight, so neither its buffered responses nor
     * its share of the business executor grow without bound. Event loop only.
     */
    void updateAutoRead() {
        boolean read = ctx.channel().isWritable() && inFlight.get() < pauseAt;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }
}
