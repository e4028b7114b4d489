package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/** No provider of the service could take the call: none registered, or none reachable. Never ran. */
public class NoProviderException extends RpcException {
    public NoProviderException(String message) {
        super(Status.SERVICE_NOT_FOUND, message, false);
    }

    private NoProviderException(NoProviderException failure) {
        super(failure);
    }

    @Override
    public NoProviderException withCallerStack() {
        return new NoProviderException(this);
    }
}
