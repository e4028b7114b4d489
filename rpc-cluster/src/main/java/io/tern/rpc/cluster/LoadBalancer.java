package io.tern.rpc.cluster;

import java.util.ArrayList;
import java.util.List;

/** Picks one endpoint among the available candidates (never empty) for an invocation. */
@FunctionalInterface
public interface LoadBalancer {
    Endpoint select(List<Endpoint> candidates, Invocation invocation);

    /**
     * Picks for one attempt of a call that already tried {@code tried} (empty on the first attempt; read only during
     * this call). By default: among the available providers not tried yet, or among all if every one was tried. A
     * balancer with an order of its own (the consistent-hash ring) overrides it to continue along that order.
     */
    default Endpoint select(List<Endpoint> available, Invocation invocation, List<Endpoint> tried) {
        if (tried.isEmpty()) {
            return select(available, invocation);
        }
        List<Endpoint> fresh = new ArrayList<>(available.size());
        for (Endpoint e : available) {
            if (!tried.contains(e)) {
                fresh.add(e);
            }
        }
        return select(fresh.isEmpty() ? available : fresh, invocation);
    }

    /**
     * The balancer a reference to {@code serviceInterface} uses, called once when the reference is created. A balancer
     * that depends on the methods (which arguments form a hash key) checks them here and throws
     * {@link IllegalArgumentException} if it cannot serve one; by default, this balancer as it is.
     */
    default LoadBalancer forService(Class<?> serviceInterface) {
        return this;
    }
}
