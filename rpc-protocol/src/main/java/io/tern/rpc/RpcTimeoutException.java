package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/** The call's deadline passed before an answer arrived. The provider may still have run the method. */
public class RpcTimeoutException extends RpcException {
    public RpcTimeoutException(String message) {
        super(Status.DEADLINE_EXCEEDED, message, true);
    }

    /** A timeout told in the caller's terms, {@code cause} being the attempt's own timeout. */
    public RpcTimeoutException(String message, Throwable cause) {
        super(Status.DEADLINE_EXCEEDED, message, true, cause);
    }

    private RpcTimeoutException(RpcTimeoutException failure) {
        super(failure);
    }

    @Override
    public RpcTimeoutException withCallerStack() {
        return new RpcTimeoutException(this);
    }
}
