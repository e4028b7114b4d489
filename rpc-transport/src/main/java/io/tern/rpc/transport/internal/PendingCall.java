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

    /** Told of the outcome before the future completes; null for none. */
    private final CallOutcomeListener listener;
    private volatile int told;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<PendingCall> TOLD =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, "told");

    PendingCall(InFlightCalls calls, int id, CallSpec spec, long timeoutMillis, long startNanos) {
        this(calls, id, spec, timeoutMillis, startNanos, null);
    }

    PendingCall(InFlightCalls calls, int id, CallSpec spec, long timeoutMillis, long startNanos, CallOutcomeListener listener) {
        this.listener = listener;
        this.calls = calls;
        this.id = id;
        this.spec = spec;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = startNanos + timeoutMillis * 1_000_000L;
    }

    @Override
    public boolean complete(RpcResponse response) {
        tell(response, null);
        return super.complete(response);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        tell(null, failure);
        return super.completeExceptionally(failure);
    }

    /** The listener hears the first outcome only (a late answer racing a timeout is not a second one). */
    private void tell(RpcResponse response, Throwable failure) {
        if (listener != null && !isDone() && TOLD.compareAndSet(this, 0, 1)) {
            listener.onOutcome(response, failure, System.nanoTime() - (deadlineNanos - timeoutMillis * 1_000_000L));
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        tell(null, new java.util.concurrent.CancellationException());
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            calls.forget(this);
        }
        return cancelled;
    }
}
