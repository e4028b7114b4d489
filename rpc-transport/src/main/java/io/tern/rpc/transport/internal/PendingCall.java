package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.tern.rpc.protocol.RpcResponse;

/**
 * One call on a {@link ClientConnection}, and its own future: the request frame until it is written, the deadline,
 * and the links of its {@link PendingCalls} timeout bucket. One object per call, so a call costs no timer entry,
 * map node or boxed id. Cancelling it (the loser of a backup request, a caller that gave up) forgets the call: its
 * entry goes and a late answer is dropped.
 */
final class PendingCall extends CallFuture<RpcResponse> {
    /** Where a cancelled call is forgotten. */
    final InFlightCalls calls;
    final int id;
    final CallSpec spec;
    final long timeoutMillis;
    final long deadlineNanos;
    /** The encoded request, owned by this call until the write queue hands it to the channel. */
    ByteBuf frame;

    // the id table's chain and the timeout wheel's links; only the connection's event loop touches them
    PendingCall nextInSlot;
    PendingCall next;
    PendingCall prev;
    int bucket = -1;

    PendingCall(InFlightCalls calls, int id, CallSpec spec, long timeoutMillis, long startNanos) {
        this.calls = calls;
        this.id = id;
        this.spec = spec;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = startNanos + timeoutMillis * 1_000_000L;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            calls.forget(this);
        }
        return cancelled;
    }
}
