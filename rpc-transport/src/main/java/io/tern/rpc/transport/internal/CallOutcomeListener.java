package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.RpcResponse;

/**
 * Told of a call's outcome on a connection just before its future completes, so bookkeeping about the provider
 * (calls in flight, latency, failures) is done before anything that waits on the call sees the result, and without
 * an object per call: the cluster layer passes one listener per provider.
 */
@FunctionalInterface
public interface CallOutcomeListener {
    /**
     * @param response     the answer (any status), or null
     * @param failure      why there is none (a {@link java.util.concurrent.CancellationException} for a cancelled call), or null
     * @param latencyNanos from the call until now
     */
    void onOutcome(RpcResponse response, Throwable failure, long latencyNanos);
}
