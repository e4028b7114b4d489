package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/** The call's deadline passed before an answer arrived. The provider may still have run the method. */
public class RpcTimeoutException extends RpcException {
    public RpcTimeoutException(String message) {
        super(Status.DEADLINE_EXCEEDED, message, true);
    }
}
