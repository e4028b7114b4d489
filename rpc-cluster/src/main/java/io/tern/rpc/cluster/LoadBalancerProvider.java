package io.tern.rpc.cluster;

/**
 * Makes a {@link LoadBalancer} by name (rpc.consumer.load-balance, {@code @RpcReference(loadBalance = ...)}). A
 * third-party balancer is found with {@link java.util.ServiceLoader}: list the provider class in
 * {@code META-INF/services/io.tern.rpc.cluster.LoadBalancerProvider}. Its name must not be a built-in's
 * ({@code random}, {@code round-robin}, {@code least-active}, {@code consistent-hash}, {@code p2c}).
 */
public interface LoadBalancerProvider {
    /** The configuration name, lower case. */
    String name();

    /** A new balancer for one reference (balancers may keep per-reference state, such as a round-robin position). */
    LoadBalancer create(Options options);

    /**
     * What a reference's settings say to a balancer: the weight ramp-up of new providers (rpc.consumer.warmup) and the
     * key arguments of a hashing balancer (rpc.consumer.hash-arguments).
     */
    record Options(long warmupMillis, int[] hashArguments) {
    }
}
