package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.transport.RpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The live provider list of one service: follows the registry (full list on every change), keeps one shared
 * connection per provider, and offers as candidates only providers whose connection is up. A provider whose
 * connection fails drops out at once and comes back when its reconnect succeeds while the registry still lists it.
 */
public final class Directory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Directory.class);

    private final String serviceKey;
    private final RpcClient client;
    private final Registry registry;
    private final CompletableFuture<Void> firstNonEmpty = new CompletableFuture<>();
    private final Registry.Subscription subscription;
    private volatile List<Endpoint> endpoints = List.of();
    private boolean closed;

    public Directory(String serviceKey, Registry registry, RpcClient client) {
        this.serviceKey = serviceKey;
        this.client = client;
        this.registry = registry;
        this.subscription = registry.subscribe(serviceKey, this::update);
    }

    private synchronized void update(List<ProviderInfo> providers) {
        if (closed) {
            return;
        }
        Map<String, Endpoint> old = new HashMap<>();
        for (Endpoint e : endpoints) {
            old.put(e.address(), e);
        }
        List<Endpoint> next = new ArrayList<>(providers.size());
        for (ProviderInfo p : providers) {
            Endpoint existing = old.remove(p.address());
            if (existing != null && existing.info().equals(p)) {
                next.add(existing);
            } else if (existing != null) {
                next.add(new Endpoint(p, existing.connection())); // same address, new data: keep the connection
            } else {
                next.add(new Endpoint(p, client.acquire(p.host(), p.port())));
            }
        }
        endpoints = List.copyOf(next);
        for (Endpoint gone : old.values()) {
            client.release(gone.info().host(), gone.info().port());
        }
        log.info("{}: {} provider(s) {}", serviceKey, next.size(), next);
        if (!next.isEmpty()) {
            firstNonEmpty.complete(null);
        }
    }

    public String serviceKey() {
        return serviceKey;
    }

    /** Every provider the registry lists. */
    public List<Endpoint> all() {
        return endpoints;
    }

    /** Providers that can take a call now. */
    public List<Endpoint> available() {
        List<Endpoint> all = endpoints;
        List<Endpoint> up = new ArrayList<>(all.size());
        for (Endpoint e : all) {
            if (e.isAvailable()) {
                up.add(e);
            }
        }
        return up;
    }

    /** Completes once the registry has listed at least one provider. */
    public CompletableFuture<Void> firstProviders() {
        return firstNonEmpty;
    }

    /** Where the registry looks, for error messages. */
    public String describe() {
        return registry.describe(serviceKey);
    }

    @Override
    public synchronized void close() {
        closed = true;
        subscription.close();
        for (Endpoint e : endpoints) {
            client.release(e.info().host(), e.info().port());
        }
        endpoints = List.of();
    }
}
