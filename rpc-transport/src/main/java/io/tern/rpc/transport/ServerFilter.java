package io.tern.rpc.transport;

import io.tern.rpc.RpcContext;
import java.util.List;

/**
 * A link of the provider's call path around the service method, as Spring's {@code MethodInterceptor} or gRPC's
 * {@code ServerInterceptor}: it sees the call and its arguments, and may pass it on ({@code next.invoke(call)}),
 * answer with a status instead ({@code return call.reject(Status.X, "why")}), or change the result. It runs on the
 * thread that runs the method (a business thread, or the I/O thread in DIRECT mode), with the call's
 * {@link RpcContext} set, so it must not block in DIRECT mode.
 *
 * <p>What it returns is the method's result: a value, or for a method returning {@code CompletableFuture} that
 * future (see {@link ServerInvocation#async()}). An exception it throws is the caller's exception, as if the method
 * had thrown it.
 *
 * <pre>{@code
 * ServerFilter tenant = (call, next) -> call.attachment("tenant") == null
 *         ? call.reject(Status.BAD_REQUEST, "no tenant") : next.invoke(call);
 * }</pre>
 */
@FunctionalInterface
public interface ServerFilter {
    Object filter(ServerInvocation call, ServerInvoker next) throws Throwable;

    /** {@code filters[0] -> filters[1] -> ... -> last}; {@code last} itself when there are no filters. */
    static ServerInvoker chain(List<? extends ServerFilter> filters, ServerInvoker last) {
        ServerInvoker next = last;
        for (int i = filters.size() - 1; i >= 0; i--) {
            ServerFilter filter = filters.get(i);
            ServerInvoker inner = next;
            next = call -> filter.filter(call, inner);
        }
        return next;
    }
}
