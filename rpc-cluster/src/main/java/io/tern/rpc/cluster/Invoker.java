package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcResponse;

import java.util.concurrent.CompletableFuture;

/**
 * A layer of the client stack: {@code Invocation -> CompletableFuture<RpcResponse>}. The future completes with
 * the provider's response (any status) or exceptionally with an {@link io.tern.rpc.RpcException}.
 */
@FunctionalInterface
public interface Invoker {
    CompletableFuture<RpcResponse> invoke(Invocation invocation);
}
