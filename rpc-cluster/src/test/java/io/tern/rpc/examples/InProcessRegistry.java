package io.tern.rpc.examples;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryAddress;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.registry.RegistryFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Example of a third-party registry (docs/architecture.md), standing in for etcd or Nacos: providers and consumers of
 * one JVM that use the address {@code inprocess://NAME} share the lists kept under NAME. Its {@link Factory} is listed
 * in META-INF/services/io.tern.rpc.registry.RegistryFactory, so {@code rpc.registry.address=inprocess://demo} or
 * {@code RegistryConfig.of("inprocess://demo")} selects it with no change to the framework.
 */
public final class InProcessRegistry implements Registry {
    private static final Map<String, InProcessRegistry> BY_NAME = new ConcurrentHashMap<>();

    private final String name;
    private final Map<String, List<ProviderInfo>> providers = new ConcurrentHashMap<>();
    private final Map<String, List<ProviderListener>> listeners = new ConcurrentHashMap<>();

    private InProcessRegistry(String name) {
        this.name = name;
    }

    @Override
    public synchronized void register(ProviderInfo provider) {
        List<ProviderInfo> list = providers.computeIfAbsent(provider.serviceKey(), k -> new ArrayList<>());
        list.removeIf(p -> p.address().equals(provider.address()));
        list.add(provider);
        publish(provider.serviceKey());
    }

    @Override
    public synchronized void unregister(ProviderInfo provider) {
        List<ProviderInfo> list = providers.get(provider.serviceKey());
        if (list != null && list.removeIf(p -> p.address().equals(provider.address()))) {
            publish(provider.serviceKey());
        }
    }

    @Override
    public synchronized Subscription subscribe(String serviceKey, ProviderListener listener) {
        listeners.computeIfAbsent(serviceKey, k -> new CopyOnWriteArrayList<>()).add(listener);
        listener.onProviders(List.copyOf(providers.getOrDefault(serviceKey, List.of())));
        return () -> listeners.getOrDefault(serviceKey, List.of()).remove(listener);
    }

    private void publish(String serviceKey) {
        List<ProviderInfo> now = List.copyOf(providers.getOrDefault(serviceKey, List.of()));
        listeners.getOrDefault(serviceKey, List.of()).forEach(l -> l.onProviders(now));
    }

    @Override
    public String describe(String serviceKey) {
        return "inprocess://" + name + " " + serviceKey;
    }

    /** Shared by every user of the name: closing one user's handle leaves the lists to the others. */
    @Override
    public void close() {
    }

    /** Found by ServiceLoader; serves {@code inprocess://NAME}. */
    public static final class Factory implements RegistryFactory {
        @Override
        public String scheme() {
            return "inprocess";
        }

        @Override
        public boolean hostPortEntries() {
            return false; // addressed by a name
        }

        @Override
        public Registry create(RegistryAddress address, RegistryConfig config) {
            return BY_NAME.computeIfAbsent(String.join(",", address.hosts()), InProcessRegistry::new);
        }
    }
}
