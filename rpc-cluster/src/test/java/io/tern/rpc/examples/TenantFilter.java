package io.tern.rpc.examples;

import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.Invocation;
import io.tern.rpc.cluster.Invoker;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Example of a user client filter (docs/architecture.md): puts the caller's tenant into every request as the
 * attachment {@code tenant}, and counts the calls that did not succeed. It returns {@code next}'s future itself, so a caller's
 * cancel still reaches the call.
 */
public final class TenantFilter implements ClientFilter {
    private final Supplier<String> tenant;
    final AtomicLong failures = new AtomicLong();

    public TenantFilter(Supplier<String> tenant) {
        this.tenant = tenant;
    }

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        invocation.request().attachments().put("tenant", tenant.get());
        CompletableFuture<RpcResponse> response = next.invoke(invocation);
        response.whenComplete((r, e) -> {
            if (e != null || r.status() != Status.OK) { // a refusal or an exception is an answer here, not a failed future
                failures.incrementAndGet();
            }
        });
        return response;
    }
}
