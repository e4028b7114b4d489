package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/**
 * The connection to a provider failed. {@link #requestMayHaveRun()} is false when the request was never
 * written (connect refused, connection already closed, GOAWAY received) and true when it was in flight.
 */
public class RpcConnectionException extends RpcException {
    public RpcConnectionException(String message, boolean requestMayHaveRun, Throwable cause) {
        super(Status.INTERNAL_ERROR, message, requestMayHaveRun, cause);
    }

    private RpcConnectionException(RpcConnectionException failure) {
        super(failure);
    }

    @Override
    public RpcConnectionException withCallerStack() {
        return new RpcConnectionException(this);
    }
}
