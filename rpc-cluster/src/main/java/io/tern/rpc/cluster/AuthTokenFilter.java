package io.tern.rpc.cluster;

import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;

import java.util.concurrent.CompletableFuture;

/** Carries the shared secret (rpc.security.token) in every request, for providers that require it. */
final class AuthTokenFilter implements ClientFilter {
    private final String token;

    AuthTokenFilter(String token) {
        this.token = token;
    }

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        RpcRequest r = invocation.request();
        if (r.attachments() instanceof Attachments mine) {
            mine.put(RpcRequest.AUTH_TOKEN, token); // made for this call by the proxy: no copy needed
            return next.invoke(invocation);
        }
        Attachments withToken = Attachments.copyOf(r.attachments());
        withToken.put(RpcRequest.AUTH_TOKEN, token);
        return next.invoke(invocation.with(new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(), withToken),
                invocation.deadlineNanos()));
    }
}
