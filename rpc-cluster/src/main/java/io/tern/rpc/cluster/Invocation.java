package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.transport.CallSpec;

/**
 * One call travelling down the client stack: the request, how to encode it, whether the method may run twice,
 * and its absolute deadline ({@link System#nanoTime()} based). Retries and backups share the deadline.
 */
public record Invocation(RpcRequest request, CallSpec spec, boolean idempotent, long deadlineNanos) {

    /** Milliseconds left before the deadline (at least 0). */
    public long remainingMillis() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }
}
