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
 *
 * <p>A provider that leaves the registry while its connection is still up (no GOAWAY: a session expiry, not a
 * shutdown) lingers for a grace period as a fallback, used only when no listed provider is available, so the
 * moment between a provider's session expiring and its node being re-created costs no calls.
 */
public final class Directory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Directory.class);

    private final String serviceKey;
    private final RpcClient client;
    private final Registry registry;
    private final CompletableFuture<Void> firstNonEmpty = new CompletableFuture<>();
    private final Registry.Subscription subscription;
    private final long lingerNanos;
    private final OutlierDetector outliers = OutlierDetector.defaults();
    private volatile List<Endpoint> endpoints = List.of();
    private final Map<String, Lingering> lingering = new HashMap<>();
    private volatile boolean anyLingering;
    private boolean closed;

    private record Lingering(Endpoint endpoint, long untilNanos) {
    }

    public Directory(String serviceKey, Registry registry, RpcClient client) {
        this(serviceKey, registry, client, java.time.Duration.ofSeconds(30));
    }

    public Directory(String serviceKey, Registry registry, RpcClient client, java.time.Duration linger) {
        this.serviceKey = serviceKey;
        this.client = client;
        this.registry = registry;
        this.lingerNanos = linger.toNanos();
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
            Lingering back = lingering.remove(p.address());
            if (existing == null && back != null) {
                existing = back.endpoint(); // re-registered: keep its connection (and its acquisition)
            }
            if (existing != null && existing.info().equals(p)) {
                next.add(existing);
            } else if (existing != null) {
                next.add(new Endpoint(p, existing.connection())); // same address, new data: keep the connection
            } else {
                next.add(new Endpoint(p, client.acquire(p.host(), p.port())));
            }
        }
        long now = System.nanoTime();
        for (Endpoint gone : old.values()) {
            if (gone.connection().state() == io.tern.rpc.transport.ClientConnection.State.READY) {
                lingering.put(gone.address(), new Lingering(gone, now + lingerNanos));
            } else {
                client.release(gone.info().host(), gone.info().port());
            }
        }
        expireLingering(now);
        endpoints = List.copyOf(next); // published after the fallback, so a reader never sees neither
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

    /** Providers that can take a call now; lingering ones only when no listed provider can. */
    public List<Endpoint> available() {
        List<Endpoint> up = listedAvailable();
        if (up.isEmpty() && anyLingering) {
            return availableUnderLock();
        }
        return up;
    }

    private List<Endpoint> listedAvailable() {
        List<Endpoint> all = endpoints;
        List<Endpoint> up = new ArrayList<>(all.size());
        long now = System.nanoTime();
        for (Endpoint e : all) {
            if (e.isAvailable() && !e.isEjected(now)) {
                up.add(e);
            }
        }
        return up;
    }

    /** Both lists read under the lock, so an update moving a provider between them is never half seen. */
    private synchronized List<Endpoint> availableUnderLock() {
        List<Endpoint> listed = listedAvailable();
        if (!listed.isEmpty()) {
            return listed;
        }
        expireLingering(System.nanoTime());
        List<Endpoint> up = new ArrayList<>();
        for (Lingering l : lingering.values()) {
            if (l.endpoint().isAvailable()) {
                up.add(l.endpoint());
            }
        }
        return up;
    }

    private void expireLingering(long now) {
        lingering.values().removeIf(l -> {
            if (now - l.untilNanos() > 0 || !l.endpoint().isAvailable()) {
                client.release(l.endpoint().info().host(), l.endpoint().info().port());
                return true;
            }
            return false;
        });
        anyLingering = !lingering.isEmpty();
    }

    /** Feeds one call outcome to outlier detection (failure: transport error, timeout, busy, internal error). */
    void record(Endpoint endpoint, boolean failure) {
        outliers.record(endpoint, failure, this::all);
    }

    RpcClient client() {
        return client;
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
        for (Lingering l : lingering.values()) {
            client.release(l.endpoint().info().host(), l.endpoint().info().port());
        }
        lingering.clear();
        endpoints = List.of();
    }
}
