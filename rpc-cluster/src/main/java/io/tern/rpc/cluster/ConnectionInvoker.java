package io.tern.rpc.cluster;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.transport.internal.ClientConnection;

import java.util.concurrent.CompletableFuture;

/** The bottom of the client stack: sends the invocation on one provider connection with the time that is left. */
final class ConnectionInvoker implements Invoker {
    private final ClientConnection connection;

    public ConnectionInvoker(ClientConnection connection) {
        this.connection = connection;
    }

    public ClientConnection connection() {
        return connection;
    }

    @Override
    public CompletableFuture<RpcResponse> invoke(Invocation invocation) {
        long left = invocation.remainingMillis();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new RpcTimeoutException("call " + invocation.spec().description() + " to "
                    + connection.address() + " not sent: its deadline had already passed"));
        }
        return connection.call(invocation.request(), invocation.spec(), left);
    }
}
