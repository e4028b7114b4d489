package io.tern.rpc.transport;

/** The rest of the provider's call path from a {@link ServerFilter}: ends in the service method. */
@FunctionalInterface
public interface ServerInvoker {
    /** The method's result (a value, or its {@code CompletableFuture}), or a {@link ServerInvocation#reject} answer. */
    Object invoke(ServerInvocation call) throws Throwable;
}
