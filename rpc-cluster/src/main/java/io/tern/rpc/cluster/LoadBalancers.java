package io.tern.rpc.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/** Load balancers by configuration name: the built-ins and those found with {@link ServiceLoader}. */
public final class LoadBalancers {
    private LoadBalancers() {
    }

    private static final class Known {
        static final Map<String, LoadBalancerProvider> BY_NAME = load();

        private static Map<String, LoadBalancerProvider> load() {
            List<LoadBalancerProvider> all = new ArrayList<>(List.of(
                    builtIn("random", o -> new RandomLoadBalancer(o.warmupMillis())),
                    builtIn("round-robin", o -> new SmoothWeightedRoundRobin(o.warmupMillis())),
                    builtIn("least-active", o -> new LeastActiveLoadBalancer(o.warmupMillis())),
                    builtIn("consistent-hash", o -> new ConsistentHashLoadBalancer(o.hashArguments())),
                    builtIn("p2c", o -> new PeakEwmaP2C(o.warmupMillis()))));
            ServiceLoader.load(LoadBalancerProvider.class, LoadBalancers.class.getClassLoader()).forEach(all::add);
            return byName(all);
        }
    }

    /** The providers by name; a name given twice is refused, naming both classes. */
    static Map<String, LoadBalancerProvider> byName(List<LoadBalancerProvider> providers) {
        Map<String, LoadBalancerProvider> byName = new LinkedHashMap<>();
        for (LoadBalancerProvider p : providers) {
            String name = p.name() == null ? "" : p.name().trim().toLowerCase(Locale.ROOT);
            LoadBalancerProvider clash = byName.putIfAbsent(name, p);
            if (name.isEmpty() || clash != null) {
                throw new IllegalStateException("load balancer provider " + p.getClass().getName() + (name.isEmpty() ? " has no name"
                        : " uses the name '" + name + "', already taken by " + clash.getClass().getName())
                        + ": give it a unique name in name() (META-INF/services/io.tern.rpc.cluster.LoadBalancerProvider)");
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    /** The names as a sentence, built-ins first: "random, round-robin, ... or p2c". */
    private static String inOrder() {
        List<String> names = new ArrayList<>(Known.BY_NAME.keySet());
        String last = names.remove(names.size() - 1);
        return String.join(", ", names) + " or " + last;
    }

    private static LoadBalancerProvider builtIn(String name, Function<LoadBalancerProvider.Options, LoadBalancer> factory) {
        return new LoadBalancerProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public LoadBalancer create(Options options) {
                return factory.apply(options);
            }
        };
    }

    static String checkName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!Known.BY_NAME.containsKey(n)) {
            throw new IllegalArgumentException("unknown load balancer '" + name + "' (rpc.consumer.load-balance): use "
                    + inOrder() + ", or add one with a LoadBalancerProvider listed in META-INF/services");
        }
        return n;
    }

    /** Every name a balancer can be chosen by, sorted. */
    public static List<String> names() {
        return Known.BY_NAME.keySet().stream().sorted().toList();
    }

    /** A new balancer instance (balancers keep per-reference state such as a round-robin position). */
    public static LoadBalancer byName(String name, long warmupMillis) {
        return byName(name, warmupMillis, new int[]{0});
    }

    /** As {@link #byName(String, long)}; {@code hashArguments}: the key arguments of {@code consistent-hash}. */
    public static LoadBalancer byName(String name, long warmupMillis, int... hashArguments) {
        return Known.BY_NAME.get(checkName(name)).create(new LoadBalancerProvider.Options(warmupMillis, hashArguments.clone()));
    }
}
