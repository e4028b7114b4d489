package io.tern.rpc.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A third-party registry as a plugin would ship it, for tests: {@code mem://name} names a registry held in this JVM's
 * memory, shared by every registry created for that name. Found by {@link java.util.ServiceLoader} through this
 * module's test {@code META-INF/services/io.tern.rpc.registry.RegistryFactory}.
 */
public final class MemoryRegistryFactory implements RegistryFactory {
    private static final Map<String, Space> SPACES = new ConcurrentHashMap<>();

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public boolean hostPortEntries() {
        return false;
    }

    @Override
    public String addressForm() {
        return "mem://name";
    }

    @Override
    public Registry create(RegistryAddress address, RegistryConfig config) {
        String name = address.connectString();
        return new MemoryRegistry(address, SPACES.computeIfAbsent(name, n -> new Space()));
    }

    /** The providers registered under one name and the listeners of every registry created for it. */
    static final class Space {
        final Map<String, List<ProviderInfo>> providers = new ConcurrentHashMap<>();
        final Map<String, List<Registry.ProviderListener>> listeners = new ConcurrentHashMap<>();

        synchronized void publish(String serviceKey) {
            List<ProviderInfo> now = List.copyOf(providers.getOrDefault(serviceKey, List.of()));
            for (Registry.ProviderListener l : listeners.getOrDefault(serviceKey, List.of())) {
                l.onProviders(now);
            }
        }
    }

    static final class MemoryRegistry implements Registry {
        private final RegistryAddress address;
        private final Space space;

        MemoryRegistry(RegistryAddress address, Space space) {
            this.address = address;
            this.space = space;
        }

        @Override
        public void register(ProviderInfo provider) {
            synchronized (space) {
                List<ProviderInfo> list = space.providers.computeIfAbsent(provider.serviceKey(), k -> new ArrayList<>());
                list.removeIf(p -> p.address().equals(provider.address()));
                list.add(provider);
                space.publish(provider.serviceKey());
            }
        }

        @Override
        public void unregister(ProviderInfo provider) {
            synchronized (space) {
                List<ProviderInfo> list = space.providers.get(provider.serviceKey());
                if (list != null && list.removeIf(p -> p.address().equals(provider.address()))) {
                    space.publish(provider.serviceKey());
                }
            }
        }

        @Override
        public Subscription subscribe(String serviceKey, ProviderListener listener) {
            synchronized (space) {
                space.listeners.computeIfAbsent(serviceKey, k -> new CopyOnWriteArrayList<>()).add(listener);
                listener.onProviders(List.copyOf(space.providers.getOrDefault(serviceKey, List.of())));
            }
            return () -> space.listeners.getOrDefault(serviceKey, List.of()).remove(listener);
        }

        @Override
        public String describe(String serviceKey) {
            return address + " (" + serviceKey + ")";
        }

        @Override
        public void close() {
            // the space outlives its registries, as a registry server outlives its clients
        }
    }
}
