package io.tern.rpc.cluster;

import java.util.List;

/** Picks one endpoint among the available candidates (never empty) for an invocation. */
@FunctionalInterface
public interface LoadBalancer {
    Endpoint select(List<Endpoint> candidates, Invocation invocation);
}
