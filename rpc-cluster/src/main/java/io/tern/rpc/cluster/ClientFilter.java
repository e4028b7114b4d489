package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A link of the consumer's call path, as gRPC's {@code ClientInterceptor}, OkHttp's {@code Interceptor} or
 * Finagle's {@code Filter}: it sees each call once (before retries, backups and load balancing) and returns the
 * future of its response, normally {@code next.invoke(invocation)}. It runs on the caller's thread; what it chains
 * on the future runs on the thread that completes it (an I/O thread), so it must not block there.
 *
 * <p>Return {@code next}'s future itself when you can: the caller's cancel reaches the call through it. A filter
 * that returns a future of its own should pass a cancel on to {@code next}'s.
 *
 * <pre>{@code
 * ClientFilter tenant = (invocation, next) -> {
 *     invocation.request().attachments().put("tenant", currentTenant());
 *     return next.invoke(invocation);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ClientFilter {
    CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next);

    /** {@code filters[0] -> filters[1] -> ... -> last}; {@code last} itself when there are no filters. */
    static Invoker chain(List<? extends ClientFilter> filters, Invoker last) {
        Invoker next = last;
        for (int i = filters.size() - 1; i >= 0; i--) {
            ClientFilter filter = filters.get(i);
            Invoker inner = next;
            next = invocation -> filter.filter(invocation, inner);
        }
        return next;
    }
}
