package io.tern.rpc.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round-robin, as nginx: every pick adds each endpoint's weight to its current value, takes the
 * largest, and subtracts the total from it. Weights 5,1,1 give a,a,b,a,c,a,a — spread out, not in bursts.
 */
final class SmoothWeightedRoundRobin implements LoadBalancer {
    private final long warmupMillis;
    private final Map<String, long[]> current = new HashMap<>();

    public SmoothWeightedRoundRobin(long warmupMillis) {
        this.warmupMillis = warmupMillis;
    }

    @Override
    public synchronized Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        long now = System.currentTimeMillis();
        long total = 0;
        Endpoint best = null;
        long[] bestState = null;
        for (Endpoint e : candidates) {
            int w = e.effectiveWeight(now, warmupMillis);
            long[] state = current.computeIfAbsent(e.address(), k -> new long[1]);
            state[0] += w;
            total += w;
            if (best == null || state[0] > bestState[0]) {
                best = e;
                bestState = state;
            }
        }
        bestState[0] -= total;
        if (current.size() > candidates.size() * 2 + 8) {
            current.keySet().retainAll(candidates.stream().map(Endpoint::address).toList()); // forget departed providers
        }
        return best;
    }
}
