package io.tern.rpc.benchmark.fleet;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The watching consumers: each one a real registry client ({@link Registries#create}: its own Curator session and
 * ZooKeeper connection, as a separate consumer process would have) subscribed through {@link Registry#subscribe} to
 * {@code watch} services, consumer c to services (c·watch + k) mod services, k = 0..watch-1, which gives every
 * service the same number of watchers when services divides consumers·watch. Each subscription's listener compares
 * the list it receives with the previous one and reports to the current {@link ChangeTracker} which registrations
 * appeared and which generations went away.
 */
final class ConsumerFleet implements AutoCloseable {
    private final ThreadGroup group = new ThreadGroup("fleet-consumers");
    private final List<Registry> registries = Collections.synchronizedList(new ArrayList<>());
    private final List<Registry.Subscription> subscriptions = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder notifications = new LongAdder();
    private final OpCounter ops = new OpCounter();
    private final int consumers;
    private final int watch;
    private final int services;
    private volatile ChangeTracker tracker;

    ConsumerFleet(int consumers, int watch, int services) {
        this.consumers = consumers;
        this.watch = watch;
        this.services = services;
    }

    ThreadGroup threadGroup() {
        return group;
    }

    /** Watchers of each service; fails unless every service has the same number. */
    int watchersPerService() {
        int[] count = new int[services];
        for (int c = 0; c < consumers; c++) {
            for (int k = 0; k < watch; k++) {
                count[(c * watch + k) % services]++;
            }
        }
        for (int n : count) {
            if (n != count[0]) {
                throw new IllegalArgumentException("services (" + services + ") must divide consumers x watch (" + consumers * watch
                        + ") so that every service has the same number of watchers");
            }
        }
        return count[0];
    }

    /** The ZooKeeper operations of every consumer's registry client. */
    OpCounter ops() {
        return ops;
    }

    /**
     * How many consumers watch at least one service of a provider process (on average over the processes): the
     * consumers one instance node per process would notify under application-level registration.
     */
    double consumersPerProcess(FleetLayout layout) {
        long total = 0;
        for (int p = 0; p < layout.processes(); p++) {
            java.util.Set<Integer> exported = new java.util.HashSet<>();
            for (int k = 0; k < layout.perProcess; k++) {
                exported.add(layout.serviceOf(p * layout.perProcess + k));
            }
            for (int c = 0; c < consumers; c++) {
                for (int k = 0; k < watch; k++) {
                    if (exported.contains((c * watch + k) % services)) {
                        total++;
                        break;
                    }
                }
            }
        }
        return (double) total / layout.processes();
    }

    void track(ChangeTracker tracker) {
        this.tracker = tracker;
    }

    /** Lists delivered to consumers' listeners so far. */
    long notifications() {
        return notifications.sum();
    }

    void start(RegistryConfig config) throws InterruptedException {
        Groups.forEach(group, consumers, 8, c -> {
            Registry registry = Registries.create(config);
            ops.attach(registry);
            registries.add(registry);
            for (int k = 0; k < watch; k++) {
                String serviceKey = FleetLayout.serviceKey((c * watch + k) % services);
                subscriptions.add(registry.subscribe(serviceKey, new View()::update));
            }
        });
    }

    /** One consumer's view of one service: registration id -> generation listed. */
    private final class View {
        private Map<Integer, Integer> listed = Map.of();

        synchronized void update(List<ProviderInfo> providers) {
            long now = System.nanoTime();
            notifications.increment();
            Map<Integer, Integer> next = new HashMap<>(providers.size() * 2);
            for (ProviderInfo p : providers) {
                next.put(FleetLayout.registrationOf(p), FleetLayout.generationOf(p));
            }
            ChangeTracker t = tracker;
            if (t != null) {
                listed.forEach((reg, gen) -> {
                    Integer now2 = next.get(reg);
                    if (now2 == null || now2 > gen) {
                        t.seen(reg, gen, false, now); // gone, or replaced by a later generation (both changes seen at once)
                    }
                });
                next.forEach((reg, gen) -> {
                    Integer before = listed.get(reg);
                    if (before == null || before < gen) {
                        t.seen(reg, gen, true, now);
                    }
                });
            }
            listed = next;
        }
    }

    @Override
    public void close() {
        synchronized (subscriptions) {
            subscriptions.forEach(Registry.Subscription::close);
        }
        synchronized (registries) {
            registries.forEach(Registry::close);
        }
    }
}
