package io.tern.rpc.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random: each endpoint is picked with probability weight / total weight (warm-up applied). */
final class RandomLoadBalancer implements LoadBalancer {
    private final long warmupMillis;

    public RandomLoadBalancer() {
        this(0);
    }

    public RandomLoadBalancer(long warmupMillis) {
        this.warmupMillis = warmupMillis;
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        return pick(candidates, System.currentTimeMillis(), warmupMillis);
    }

    /** Weighted random pick, shared by the balancers that need one. */
    static Endpoint pick(List<Endpoint> candidates, long nowMillis, long warmupMillis) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long total = 0;
        boolean same = true;
        int first = -1;
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            int w = candidates.get(i).effectiveWeight(nowMillis, warmupMillis);
            weights[i] = w;
            total += w;
            if (first < 0) {
                first = w;
            }
            same &= w == first;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (same || total <= 0) {
            return candidates.get(random.nextInt(n));
        }
        long pick = random.nextLong(total);
        for (int i = 0; i < n; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return candidates.get(i);
            }
        }
        return candidates.get(n - 1);
    }
}
