package io.tern.rpc.cluster;

import io.tern.rpc.HashKey;

import java.util.List;
import java.util.function.Function;

/**
 * Ketama consistent hashing: each endpoint owns {@value HashRing#VIRTUAL_NODES} points on a ring (MD5 of
 * {@code address-i}); a call goes to the first point at or after the hash of its key. When an endpoint leaves, only
 * the keys it owned (about 1/N) move. Weights are not used: a key must map to one provider.
 *
 * <p>The key of a call, per method: the reference's key extractor if it has one; else the parameters marked
 * {@link HashKey}; else the arguments at the reference's indexes ({@code rpc.consumer.hash-arguments}, default the
 * first). It is hashed by its content ({@link HashKeyText}), never by identity, and a reference whose key parameter
 * has no stable form is refused when it is created ({@link #forService}).
 *
 * <p>The ring is built once per provider list and reused by every call. A retry continues clockwise from the key's
 * point past the providers the call already tried, which is where the key would go if they had left.
 *
 * <p>It composes the keys of the calls ({@link MethodHashKeys}) and the ring ({@link HashRing}).
 */
public final class ConsistentHashLoadBalancer implements LoadBalancer {
    private final MethodHashKeys keys;
    private final HashRing ring = new HashRing();

    /** Keys by {@link HashKey} parameters, else by the first argument. */
    public ConsistentHashLoadBalancer() {
        this(MethodHashKeys.byArguments());
    }

    /**
     * Keys by {@link HashKey} parameters, else by the arguments at these indexes, in this order
     * (rpc.consumer.hash-arguments; none given: the first).
     */
    public ConsistentHashLoadBalancer(int... argumentIndexes) {
        this(MethodHashKeys.byArguments(argumentIndexes));
    }

    /**
     * Keys every call by what {@code keyExtractor} returns for its arguments (it sees the arguments of every method
     * of the reference; {@link HashKey} is then not consulted). The key must have a stable form (see {@link HashKey});
     * a call whose key has none fails with an {@link IllegalArgumentException}.
     *
     * <pre>{@code
     * Reference.to(CartService.class).loadBalancer(ConsistentHashLoadBalancer.keyedBy(args -> ((Cart) args[0]).customerId()))
     * }</pre>
     */
    public static ConsistentHashLoadBalancer keyedBy(Function<Object[], Object> keyExtractor) {
        return new ConsistentHashLoadBalancer(MethodHashKeys.extractedBy(keyExtractor));
    }

    private ConsistentHashLoadBalancer(MethodHashKeys keys) {
        this.keys = keys;
    }

    /**
     * A balancer with its own ring for a reference to {@code serviceInterface}, with each method's key resolved and
     * checked: a key parameter whose type has no stable form (an {@code Object}, an interface, a class without its
     * own {@code toString()}) is refused with an {@link IllegalArgumentException} naming the method and parameter.
     */
    @Override
    public ConsistentHashLoadBalancer forService(Class<?> serviceInterface) {
        MethodHashKeys bound = keys.forService(serviceInterface);
        return bound == keys ? this : new ConsistentHashLoadBalancer(bound);
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        return select(candidates, invocation, List.of());
    }

    @Override
    public Endpoint select(List<Endpoint> available, Invocation invocation, List<Endpoint> tried) {
        return ring.select(available, HashRing.pointOf(keys.textOf(invocation.request())), tried);
    }

    /** How many rings this balancer has built (once per change of the provider list). */
    int ringBuilds() {
        return ring.builds();
    }
}
