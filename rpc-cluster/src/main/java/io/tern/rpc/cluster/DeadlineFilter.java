package io.tern.rpc.cluster;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.RpcContext;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The deadline link, first after the proxy: a call made while serving a request (an {@link RpcContext} is current)
 * gets only the time that request has left and carries its no-retry mark; a call whose time is already gone fails
 * here, before anything is sent. The proxy gave the call the reference's timeout.
 */
final class DeadlineFilter implements ClientFilter {
    private final LongSupplier clock;
    private final Supplier<RpcContext> context;

    DeadlineFilter(LongSupplier clock, Supplier<RpcContext> context) {
        this.clock = clock;
        this.context = context;
    }

    static final DeadlineFilter SYSTEM = new DeadlineFilter(System::nanoTime, RpcContext::current);

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        RpcContext incoming = context.get();
        if (incoming != null) {
            long now = clock.getAsLong();
            long left = incoming.remainingNanos(); // Long.MAX_VALUE when the request has no deadline
            boolean shorter = left < invocation.deadlineNanos() - now;
            long deadline = shorter ? now + left : invocation.deadlineNanos();
            RpcRequest r = invocation.request();
            // the proxy's attachments are only the deadline and attempt number: remade with the shorter deadline
            Attachments attachments = Attachments.ofCall(Math.max(0, (deadline - now) / 1_000_000L), 0, true);
            invocation = invocation.with(new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(), attachments), deadline);
            if (shorter) {
                invocation.deadlineInherited(deadline); // a timeout then says whose deadline it was
            }
        }
        if (invocation.deadlineNanos() - clock.getAsLong() <= 0) {
            return CompletableFuture.failedFuture(new RpcTimeoutException("call " + invocation.spec().description()
                    + " not sent: the deadline of the request it is made for had already passed"));
        }
        return next.invoke(invocation);
    }
}
