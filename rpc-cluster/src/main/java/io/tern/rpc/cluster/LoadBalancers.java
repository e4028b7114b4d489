package io.tern.rpc.cluster;

import java.util.Locale;

/** Load balancers by configuration name. */
public final class LoadBalancers {
    private LoadBalancers() {
    }

    static String checkName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "random", "round-robin", "least-active", "consistent-hash", "p2c" -> n;
            default -> throw new IllegalArgumentException("unknown load balancer '" + name
                    + "' (rpc.consumer.load-balance): use random, round-robin, least-active, consistent-hash or p2c");
        };
    }

    /** A new balancer instance (balancers keep per-reference state such as a round-robin position). */
    public static LoadBalancer byName(String name, long warmupMillis) {
        return byName(name, warmupMillis, new int[]{0});
    }

    /** As {@link #byName(String, long)}; {@code hashArguments}: the key arguments of {@code consistent-hash}. */
    public static LoadBalancer byName(String name, long warmupMillis, int... hashArguments) {
        return switch (checkName(name)) {
            case "random" -> new RandomLoadBalancer(warmupMillis);
            case "round-robin" -> new SmoothWeightedRoundRobin(warmupMillis);
            case "least-active" -> new LeastActiveLoadBalancer(warmupMillis);
            case "consistent-hash" -> new ConsistentHashLoadBalancer(hashArguments);
            default -> new PeakEwmaP2C(warmupMillis);
        };
    }
}
