package io.tern.rpc.cluster;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a balancer to count attempts (one selection per attempt) and remember the last candidate list. */
final class CountingBalancer implements LoadBalancer {
    final LoadBalancer delegate;
    final AtomicInteger selections = new AtomicInteger();
    volatile List<Endpoint> lastCandidates = List.of();

    CountingBalancer(LoadBalancer delegate) {
        this.delegate = delegate;
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        selections.incrementAndGet();
        lastCandidates = List.copyOf(candidates);
        return delegate.select(candidates, invocation);
    }
}
