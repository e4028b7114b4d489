package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcResponse;

import java.util.concurrent.CompletableFuture;

/**
 * A client filter found by ServiceLoader (src/test/resources/META-INF/services): it marks the calls of
 * {@link ClientFilterTest}'s service and passes every other call on untouched.
 */
public final class DiscoveredClientFilter implements ClientFilter {
    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        if (invocation.request().serviceKey().equals(ClientFilterTest.Trail.class.getName())) {
            ClientFilterTest.mark(invocation, "discovered");
        }
        return next.invoke(invocation);
    }
}
