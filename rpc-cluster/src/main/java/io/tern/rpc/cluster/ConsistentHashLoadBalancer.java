package io.tern.rpc.cluster;

import io.tern.rpc.HashKey;
import io.tern.rpc.protocol.RpcRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Ketama consistent hashing: each endpoint owns {@value #VIRTUAL_NODES} points on a ring (MD5 of
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
 */
public final class ConsistentHashLoadBalancer implements LoadBalancer {
    static final int VIRTUAL_NODES = 160;
    private static final int[] FIRST_ARGUMENT = {0};
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(ConsistentHashLoadBalancer::newMd5);

    private final int[] argumentIndexes;
    private final Function<Object[], Object> keyExtractor;
    /** Per method name, the key of each overload; null until bound to a service interface. */
    private final Map<String, MethodKey[]> methods;
    private final Class<?> serviceInterface;
    private final AtomicInteger ringBuilds = new AtomicInteger();
    private volatile Ring ring;

    /** Keys by {@link HashKey} parameters, else by the first argument. */
    public ConsistentHashLoadBalancer() {
        this(FIRST_ARGUMENT, null, null, null);
    }

    /**
     * Keys by {@link HashKey} parameters, else by the arguments at these indexes, in this order
     * (rpc.consumer.hash-arguments; none given: the first).
     */
    public ConsistentHashLoadBalancer(int... argumentIndexes) {
        this(checkIndexes(argumentIndexes), null, null, null);
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
        return new ConsistentHashLoadBalancer(FIRST_ARGUMENT, Objects.requireNonNull(keyExtractor, "keyExtractor"), null, null);
    }

    private ConsistentHashLoadBalancer(int[] argumentIndexes, Function<Object[], Object> keyExtractor, Map<String, MethodKey[]> methods,
                                       Class<?> serviceInterface) {
        this.argumentIndexes = argumentIndexes;
        this.keyExtractor = keyExtractor;
        this.methods = methods;
        this.serviceInterface = serviceInterface;
    }

    private static int[] checkIndexes(int[] indexes) {
        if (indexes == null || indexes.length == 0) {
            return FIRST_ARGUMENT;
        }
        for (int i : indexes) {
            if (i < 0) {
                throw new IllegalArgumentException("hash argument indexes must be >= 0 (rpc.consumer.hash-arguments), were " + Arrays.toString(indexes));
            }
        }
        return indexes.clone();
    }

    /** The key of one method (told from its overloads by its parameter descriptors): the arguments at these indexes. */
    private record MethodKey(String[] descriptors, int[] indexes) {
    }

    /**
     * A balancer with its own ring for a reference to {@code serviceInterface}, with each method's key resolved and
     * checked: a key parameter whose type has no stable form (an {@code Object}, an interface, a class without its
     * own {@code toString()}) is refused with an {@link IllegalArgumentException} naming the method and parameter.
     */
    @Override
    public ConsistentHashLoadBalancer forService(Class<?> serviceInterface) {
        if (serviceInterface == this.serviceInterface) {
            return this;
        }
        if (keyExtractor != null) {
            return new ConsistentHashLoadBalancer(argumentIndexes, keyExtractor, null, serviceInterface);
        }
        Map<String, List<MethodKey>> byName = new HashMap<>();
        for (Method m : serviceInterface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue; // not remote (as the proxy sees it)
            }
            byName.computeIfAbsent(m.getName(), n -> new ArrayList<>()).add(keyOf(serviceInterface, m));
        }
        Map<String, MethodKey[]> methods = new HashMap<>();
        byName.forEach((name, keys) -> methods.put(name, keys.toArray(MethodKey[]::new)));
        return new ConsistentHashLoadBalancer(argumentIndexes, null, methods, serviceInterface);
    }

    private MethodKey keyOf(Class<?> serviceInterface, Method m) {
        Parameter[] params = m.getParameters();
        String[] descriptors = new String[params.length];
        List<Integer> marked = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            descriptors[i] = params[i].getType().getName();
            if (params[i].isAnnotationPresent(HashKey.class)) {
                marked.add(i);
            }
        }
        String method = serviceInterface.getName() + "." + m.getName() + "(" + String.join(", ",
                Arrays.stream(params).map(p -> p.getType().getSimpleName()).toList()) + ")";
        int[] indexes;
        String source;
        if (!marked.isEmpty()) {
            indexes = marked.stream().mapToInt(Integer::intValue).toArray();
            source = "@HashKey";
        } else {
            indexes = Arrays.stream(argumentIndexes).filter(i -> i < params.length).toArray();
            source = "rpc.consumer.hash-arguments=" + joined(argumentIndexes);
            if (indexes.length == 0 && params.length > 0) {
                throw new IllegalArgumentException("consistent-hash cannot key " + method + ": it has " + params.length
                        + " parameter(s) and the hash key takes argument(s) " + joined(argumentIndexes) + " (" + source
                        + "), so every call would go to one provider. Mark the key parameter with @io.tern.rpc.HashKey");
            }
        }
        for (int i : indexes) {
            String reason = HashKeyTypes.unstableReason(m.getGenericParameterTypes()[i]);
            if (reason != null) {
                throw new IllegalArgumentException("consistent-hash cannot key " + method + " by parameter " + i + " ("
                        + params[i].getParameterizedType().getTypeName() + ", chosen by " + source + "): " + reason
                        + ". Equal keys would reach random providers. Mark a parameter that has a stable form with"
                        + " @io.tern.rpc.HashKey, or give the type one (a record, or a toString() built from the fields that"
                        + " identify it)");
            }
        }
        return new MethodKey(descriptors, indexes);
    }

    private static String joined(int[] indexes) {
        return String.join(",", Arrays.stream(indexes).mapToObj(Integer::toString).toList());
    }

    /** The endpoints and their points on the ring, sorted by point. */
    private record Ring(List<Endpoint> members, long[] points, Endpoint[] owners) {
        /** Index of the first point at or after {@code hash}, wrapping around. */
        int indexOf(long hash) {
            int i = Arrays.binarySearch(points, hash);
            if (i < 0) {
                i = -i - 1;
            }
            return i == points.length ? 0 : i;
        }

        boolean isFor(List<Endpoint> candidates) {
            int n = members.size();
            if (candidates.size() != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (members.get(i) != candidates.get(i) && !members.contains(candidates.get(i))) {
                    return false; // a new endpoint (a provider joined, or its registry data changed)
                }
            }
            return true;
        }
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        return select(candidates, invocation, List.of());
    }

    @Override
    public Endpoint select(List<Endpoint> available, Invocation invocation, List<Endpoint> tried) {
        Ring r = ringFor(available);
        int start = r.indexOf(hash(invocation.request()));
        if (tried.isEmpty()) {
            return r.owners()[start];
        }
        int n = r.owners().length;
        for (int step = 1; step < n; step++) {
            Endpoint e = r.owners()[(start + step) % n];
            if (!tried.contains(e)) {
                return e; // the next provider clockwise: where this key goes if the tried ones leave
            }
        }
        return r.owners()[start]; // every provider tried: the key's own provider again
    }

    private Ring ringFor(List<Endpoint> available) {
        Ring r = ring;
        if (r == null || !r.isFor(available)) {
            r = build(available);
            ring = r;
        }
        return r;
    }

    /** How many rings this balancer has built (once per change of the provider list). */
    int ringBuilds() {
        return ringBuilds.get();
    }

    private Ring build(List<Endpoint> candidates) {
        ringBuilds.incrementAndGet();
        int n = candidates.size() * VIRTUAL_NODES;
        long[] keys = new long[n];
        Endpoint[] byIndex = new Endpoint[n];
        Integer[] order = new Integer[n];
        int k = 0;
        for (Endpoint e : candidates) {
            for (int i = 0; i < VIRTUAL_NODES / 4; i++) {
                byte[] d = md5(e.address() + "-" + i);
                for (int part = 0; part < 4; part++) {
                    keys[k] = pointOf(d, part);
                    byIndex[k] = e;
                    order[k] = k;
                    k++;
                }
            }
        }
        // a point two endpoints share goes to the lower address, whatever the order of the list
        Arrays.sort(order, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : byIndex[a].address().compareTo(byIndex[b].address()));
        long[] points = new long[n];
        Endpoint[] owners = new Endpoint[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int idx = order[i];
            if (m > 0 && points[m - 1] == keys[idx]) {
                continue;
            }
            points[m] = keys[idx];
            owners[m] = byIndex[idx];
            m++;
        }
        return new Ring(List.copyOf(candidates), Arrays.copyOf(points, m), Arrays.copyOf(owners, m));
    }

    private long hash(RpcRequest request) {
        Object[] args = request.arguments();
        StringBuilder sb = new StringBuilder(32);
        if (keyExtractor != null) {
            appendKey(sb, keyExtractor.apply(args), request, "the key extractor's result");
        } else {
            MethodKey method = methodKey(request);
            int[] indexes = method == null ? argumentIndexes : method.indexes();
            for (int i : indexes) {
                if (i < args.length) {
                    appendKey(sb, args[i], request, "argument " + i);
                }
            }
        }
        return pointOf(md5(sb.toString()), 0);
    }

    private static void appendKey(StringBuilder sb, Object value, RpcRequest request, String what) {
        try {
            HashKeyText.append(sb, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("consistent-hash cannot key a call of " + request.serviceKey() + "." + request.methodName()
                    + ": " + what + ": " + e.getMessage(), e);
        }
        sb.append('\u0000');
    }

    private MethodKey methodKey(RpcRequest request) {
        MethodKey[] overloads = methods == null ? null : methods.get(request.methodName());
        if (overloads == null) {
            return null;
        }
        if (overloads.length == 1) {
            return overloads[0];
        }
        String[] descriptors = request.parameterTypes();
        for (MethodKey k : overloads) {
            if (k.descriptors() == descriptors || Arrays.equals(k.descriptors(), descriptors)) {
                return k;
            }
        }
        return null;
    }

    private static long pointOf(byte[] d, int k) {
        return ((long) (d[3 + k * 4] & 0xFF) << 24) | ((long) (d[2 + k * 4] & 0xFF) << 16)
                | ((long) (d[1 + k * 4] & 0xFF) << 8) | (d[k * 4] & 0xFF);
    }

    private static byte[] md5(String s) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        return md5.digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JDK", e);
        }
    }
}
