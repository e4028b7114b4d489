package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcContext;
import io.tern.rpc.RpcTimeoutException;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tern.rpc.transport.internal.ClientConnection.log;

/**
 * The calls of one connection that are accepted and not yet ended. Each is counted from its acceptance (for
 * rpc.consumer.max-pending-calls and the GOAWAY drain), and from its write on it is in the {@link PendingCalls}
 * table by id, expired on its wheel, which the event loop ticks only while calls are pending. The table is
 * touched only on the event loop; the count from any thread.
 */
final class InFlightCalls {
    private final ClientConnection connection;
    private final PendingCalls pending = new PendingCalls();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Runnable tick = this::tick;
    private boolean tickScheduled;

    InFlightCalls(ClientConnection connection) {
        this.connection = connection;
    }

    /** Calls accepted and not yet ended: queued for writing or pending. */
    int count() {
        return outstanding.get();
    }

    /** Counts a call in; returns the new count. */
    int accepted() {
        return outstanding.incrementAndGet();
    }

    /** Counts out a call that ended before it was registered; returns the new count. */
    int endedUnsent() {
        return outstanding.decrementAndGet();
    }

    /** On the event loop: a queued call is about to be written. Its frame, or null if it must not be (cancelled, channel gone). */
    ByteBuf register(PendingCall call, Channel ch) {
        ByteBuf frame = call.frame;
        call.frame = null;
        if (call.isDone() || !ch.isActive()) {
            frame.release();
            outstanding.decrementAndGet();
            if (!call.isDone()) {
                call.completeExceptionally(connection.lifecycle.notConnected(call.spec));
            }
            return null;
        }
        if (pending.isEmpty()) {
            pending.start(System.nanoTime());
        }
        pending.add(call);
        if (!tickScheduled) {
            tickScheduled = true;
            connection.loop.schedule(tick, PendingCalls.TICK_NANOS, TimeUnit.NANOSECONDS);
        }
        return frame;
    }

    /** On the event loop: the call a response answers, now ended; null if it already ended (timed out, cancelled). */
    PendingCall answered(int id) {
        PendingCall call = pending.remove(id);
        if (call != null) {
            outstanding.decrementAndGet();
        }
        return call;
    }

    /** On the event loop, every tick while calls are pending: expires the calls whose deadline passed. */
    private void tick() {
        tickScheduled = false;
        pending.expire(System.nanoTime(), this::expired);
        if (!pending.isEmpty()) {
            tickScheduled = true;
            connection.loop.schedule(tick, PendingCalls.TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void expired(PendingCall call) {
        outstanding.decrementAndGet();
        connection.writer.cancel(call.id); // the provider may drop it if still queued, or stop it if it polls RpcContext.isCancelled
        call.completeExceptionally(new RpcTimeoutException("call " + call.spec.description() + " to " + connection.address
                + " timed out: no answer within the " + call.timeoutMillis + " ms it was given when sent"));
        connection.lifecycle.callEnded();
    }

    /** A cancelled call: drop its entry and, if it was sent, tell the provider (CANCEL), on the event loop. */
    void forget(PendingCall call) {
        if (connection.loop.inEventLoop()) {
            if (pending.remove(call)) {
                outstanding.decrementAndGet();
                connection.writer.cancel(call.id);
                connection.lifecycle.callEnded();
            }
        } else {
            try {
                connection.loop.execute(() -> forget(call));
            } catch (RejectedExecutionException e) {
                log.debug("event loop of {} is shut down; cancelled call {} needs no clean-up", connection.address, call.id);
            }
        }
    }

    /** On the event loop, when the channel closed: every sent call fails; they may have run. */
    void failAll(String why) {
        if (pending.isEmpty()) {
            return;
        }
        List<PendingCall> calls = pending.clear();
        for (PendingCall call : calls) {
            outstanding.decrementAndGet();
            call.completeExceptionally(new RpcConnectionException(why + " while " + call.spec.description()
                    + " was in flight", true, null));
        }
        connection.io.peerLog().warn(log, connection.address, why + ": failed " + calls.size() + " in-flight calls");
    }
}
