package io.tern.rpc.cluster;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

/**
 * How one attempt ended, as far as the provider's health is concerned. Overload and silence are kept apart from
 * failure: a provider that refuses work because it is full is alive and should get less load, not be ejected; one
 * whose calls time out is suspect only as long as it also stops sending anything (see {@link AccrualFailureDetector}).
 */
enum CallOutcome {
    /** The provider answered: OK, an application exception, not found, bad request, shutting down. */
    ANSWERED,
    /**
     * Refused for overload: SERVER_BUSY, DEADLINE_EXCEEDED in the provider's queue, or this connection's own limit of
     * calls in flight. Steers calls to other providers for a moment; never counts toward ejection.
     */
    OVERLOADED,
    /** Answered, but the framework failed: INTERNAL_ERROR, or a response that cannot be decoded. Counts toward ejection. */
    ERROR_ANSWER,
    /** The connection failed (not connected, dropped in flight), or something unexpected. Counts toward ejection. */
    FAILED,
    /** No answer before the deadline: evidence for the failure detector, not an outlier failure. */
    TIMED_OUT,
    /** Failed here before anything was sent (arguments not encodable, message too large): says nothing of the provider. */
    NOT_SENT;

    static CallOutcome of(Throwable failure, RpcResponse response) {
        if (failure == null) {
            return switch (response.status()) {
                case SERVER_BUSY, DEADLINE_EXCEEDED -> OVERLOADED;
                case INTERNAL_ERROR -> ERROR_ANSWER;
                default -> ANSWERED;
            };
        }
        if (failure instanceof RpcTimeoutException) {
            return TIMED_OUT;
        }
        if (failure instanceof RpcConnectionException) {
            return FAILED;
        }
        if (failure instanceof RpcException r) {
            if (r.status() == Status.SERVER_BUSY) {
                return OVERLOADED;
            }
            return r.requestMayHaveRun() ? ERROR_ANSWER : NOT_SENT;
        }
        return FAILED;
    }
}
