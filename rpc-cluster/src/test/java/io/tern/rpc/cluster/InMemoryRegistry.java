package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry held in memory, for tests: lists are delivered on the caller's thread, at once. */
class InMemoryRegistry implements Registry {
    private final Map<String, List<ProviderInfo>> providers = new ConcurrentHashMap<>();
    private final Map<String, List<ProviderListener>> listeners = new ConcurrentHashMap<>();

    @Override
    public synchronized void register(ProviderInfo provider) {
        List<ProviderInfo> list = providers.computeIfAbsent(provider.serviceKey(), k -> new ArrayList<>());
        list.removeIf(p -> p.address().equals(provider.address())); // one node per address: registering again changes its data
        list.add(provider);
        notify(provider.serviceKey());
    }

    @Override
    public synchronized void unregister(ProviderInfo provider) {
        List<ProviderInfo> list = providers.get(provider.serviceKey());
        if (list != null && list.removeIf(p -> p.address().equals(provider.address()))) {
            notify(provider.serviceKey());
        }
    }

    @Override
    public synchronized Subscription subscribe(String serviceKey, ProviderListener listener) {
        listeners.computeIfAbsent(serviceKey, k -> new CopyOnWriteArrayList<>()).add(listener);
        List<ProviderInfo> now = providers.get(serviceKey);
        if (now != null) {
            listener.onProviders(List.copyOf(now));
        }
        return () -> listeners.getOrDefault(serviceKey, List.of()).remove(listener);
    }

    private void notify(String serviceKey) {
        List<ProviderInfo> now = List.copyOf(providers.getOrDefault(serviceKey, List.of()));
        for (ProviderListener l : listeners.getOrDefault(serviceKey, List.of())) {
            l.onProviders(now);
        }
    }

    @Override
    public String describe(String serviceKey) {
        return "memory:" + serviceKey;
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
