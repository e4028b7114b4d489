package io.tern.rpc.cluster;

import java.util.ArrayList;
import java.util.List;

/** Fewest calls in flight wins; ties are broken by weighted random, so a slow provider's queue steers calls away. */
final class LeastActiveLoadBalancer implements LoadBalancer {
    private final long warmupMillis;

    public LeastActiveLoadBalancer(long warmupMillis) {
        this.warmupMillis = warmupMillis;
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        int least = Integer.MAX_VALUE;
        List<Endpoint> ties = new ArrayList<>(candidates.size());
        for (Endpoint e : candidates) {
            int a = e.active();
            if (a < least) {
                least = a;
                ties.clear();
                ties.add(e);
            } else if (a == least) {
                ties.add(e);
            }
        }
        return RandomLoadBalancer.pick(ties, System.currentTimeMillis(), warmupMillis);
    }
}
