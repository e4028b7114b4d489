package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/**
 * The provider's method threw an exception whose type is not available (or not allowed) on this side.
 * {@link #remoteClassName()} names the provider's exception type; the message and stack trace are the remote ones.
 */
public class RemoteException extends RpcException {
    private final String remoteClassName;

    public RemoteException(String remoteClassName, String remoteMessage, Throwable cause) {
        super(Status.APPLICATION_ERROR, remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), true, cause);
        this.remoteClassName = remoteClassName;
    }

    public String remoteClassName() {
        return remoteClassName;
    }
}
