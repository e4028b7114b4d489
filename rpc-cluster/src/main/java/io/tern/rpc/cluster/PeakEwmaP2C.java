package io.tern.rpc.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices over peak-EWMA latency times calls in flight (Finagle's P2C + PeakEWMA): pick two distinct
 * endpoints at random and send to the cheaper. A slow provider's latency estimate jumps on its first slow answer,
 * so it quickly gets a small share, and comes back as the estimate decays.
 */
final class PeakEwmaP2C implements LoadBalancer {
    private final long warmupMillis;

    public PeakEwmaP2C(long warmupMillis) {
        this.warmupMillis = warmupMillis;
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Endpoint a = candidates.get(i);
        Endpoint b = candidates.get(j);
        long now = System.currentTimeMillis();
        double ca = a.cost(a.effectiveWeight(now, warmupMillis));
        double cb = b.cost(b.effectiveWeight(now, warmupMillis));
        return ca <= cb ? a : b;
    }
}
