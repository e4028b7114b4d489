package io.tern.rpc.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random: each endpoint is picked with probability weight / total weight. */
public final class RandomLoadBalancer implements LoadBalancer {
    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long total = 0;
        boolean same = true;
        int first = candidates.get(0).weight();
        for (Endpoint e : candidates) {
            total += e.weight();
            same &= e.weight() == first;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (same || total <= 0) {
            return candidates.get(random.nextInt(n));
        }
        long pick = random.nextLong(total);
        for (Endpoint e : candidates) {
            pick -= e.weight();
            if (pick < 0) {
                return e;
            }
        }
        return candidates.get(n - 1);
    }
}
