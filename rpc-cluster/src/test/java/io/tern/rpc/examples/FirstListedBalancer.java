package io.tern.rpc.examples;

import io.tern.rpc.cluster.Endpoint;
import io.tern.rpc.cluster.Invocation;
import io.tern.rpc.cluster.LoadBalancer;
import io.tern.rpc.cluster.LoadBalancerProvider;

import java.util.Comparator;
import java.util.List;

/**
 * Example of a third-party load balancer (docs/architecture.md): every call goes to the provider with the lowest
 * address, the others being spares. Listed in META-INF/services/io.tern.rpc.cluster.LoadBalancerProvider, it is
 * chosen with {@code rpc.consumer.load-balance=first-listed} or {@code Reference.loadBalance("first-listed")}.
 */
public final class FirstListedBalancer implements LoadBalancer {
    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        return candidates.stream().min(Comparator.comparing(Endpoint::address)).orElseThrow();
    }

    /** The provider ServiceLoader finds. */
    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String name() {
            return "first-listed";
        }

        @Override
        public LoadBalancer create(Options options) {
            return new FirstListedBalancer();
        }
    }
}
