package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/** The provider answered with a non-OK framework status (busy, not found, bad request, shutting down...). */
public class RpcStatusException extends RpcException {
    public RpcStatusException(Status status, String message) {
        super(status, message, !status.neverRan());
    }

    private RpcStatusException(RpcStatusException failure) {
        super(failure);
    }

    @Override
    public RpcStatusException withCallerStack() {
        return new RpcStatusException(this);
    }
}
