package io.tern.rpc.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a balancer to count attempts (one selection per attempt), per provider too, and remember the last candidate list. */
final class CountingBalancer implements LoadBalancer {
    final LoadBalancer delegate;
    final AtomicInteger selections = new AtomicInteger();
    final Map<String, AtomicInteger> picks = new ConcurrentHashMap<>();
    volatile List<Endpoint> lastCandidates = List.of();

    CountingBalancer(LoadBalancer delegate) {
        this.delegate = delegate;
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        selections.incrementAndGet();
        lastCandidates = List.copyOf(candidates);
        Endpoint chosen = delegate.select(candidates, invocation);
        picks.computeIfAbsent(chosen.address(), a -> new AtomicInteger()).incrementAndGet();
        return chosen;
    }

    int picksOf(String address) {
        AtomicInteger n = picks.get(address);
        return n == null ? 0 : n.get();
    }
}
