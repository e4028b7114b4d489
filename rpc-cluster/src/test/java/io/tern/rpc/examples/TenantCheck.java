package io.tern.rpc.examples;

import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;

import java.util.Set;

/**
 * Example of a user server filter (docs/architecture.md): refuses a call whose {@code tenant} attachment is missing
 * or unknown with BAD_REQUEST, before the method runs; the caller gets an {@code RpcStatusException} with the message.
 */
public final class TenantCheck implements ServerFilter {
    private final Set<String> tenants;

    public TenantCheck(Set<String> tenants) {
        this.tenants = Set.copyOf(tenants);
    }

    @Override
    public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
        String tenant = call.attachment("tenant");
        if (tenant == null || !tenants.contains(tenant)) {
            return call.reject(Status.BAD_REQUEST, "unknown tenant '" + tenant + "' calling " + call.method().getName());
        }
        return next.invoke(call);
    }
}
