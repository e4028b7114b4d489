package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.transport.TransportClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
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
 *
 * <p>Health: every outcome feeds {@link CallOutcome overload steering}, {@link OutlierDetector outlier ejection}
 * and each provider's {@link AccrualFailureDetector}, which a timer looks at every few milliseconds; ejected
 * providers are no candidates, and suspect or busy ones only when nothing better is left ({@link #candidates()}).
 */
public final class Directory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Directory.class);

    /** How long a provider that left the registry with its connection still up remains a fallback. */
    static final Duration DEFAULT_LINGER = Duration.ofSeconds(30);

    private final String serviceKey;
    private final TransportClient client;
    private final Registry registry;
    private final CompletableFuture<Void> firstNonEmpty = new CompletableFuture<>();
    private final Registry.Subscription subscription;
    private final long lingerNanos;
    private final AccrualFailureDetector.Settings detection;
    private final ProviderHealth health;
    private volatile List<Endpoint> endpoints = List.of();
    private final Map<String, Lingering> lingering = new HashMap<>();
    private volatile boolean anyLingering;
    private volatile boolean closed;

    private record Lingering(Endpoint endpoint, long untilNanos) {
    }

    public Directory(String serviceKey, Registry registry, TransportClient client) {
        this(serviceKey, registry, client, DEFAULT_LINGER);
    }

    public Directory(String serviceKey, Registry registry, TransportClient client, java.time.Duration linger) {
        this(serviceKey, registry, client, linger, OutlierDetector.defaults(), AccrualFailureDetector.Settings.DEFAULTS);
    }

    Directory(String serviceKey, Registry registry, TransportClient client, Duration linger, OutlierDetector outliers,
              AccrualFailureDetector.Settings detection) {
        this.serviceKey = serviceKey;
        this.client = client;
        this.registry = registry;
        this.lingerNanos = linger.toNanos();
        this.detection = detection;
        this.health = new ProviderHealth(serviceKey, outliers, client.timer(), () -> endpoints);
        this.subscription = registry.subscribe(serviceKey, this::update);
        if (detection.enabled()) {
            health.start(detection.tickNanos());
        }
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
            if (existing != null) {
                if (!existing.info().equals(p)) {
                    existing.info(p); // same address, new data (weight, timestamp): keep its connection and all it learned
                }
                next.add(existing);
            } else {
                Endpoint added = new Endpoint(p, client.acquire(p.host(), p.port()), detection, System::nanoTime);
                added.reportTo(health);
                next.add(added);
            }
        }
        long now = System.nanoTime();
        for (Endpoint gone : old.values()) {
            if (gone.connection().state() == io.tern.rpc.transport.internal.ClientConnection.State.READY) {
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

    /** Providers the registry no longer lists whose connection is kept a while as a fallback (see the class comment). */
    public synchronized List<Endpoint> lingering() {
        List<Endpoint> out = new ArrayList<>(lingering.size());
        for (Lingering l : lingering.values()) {
            out.add(l.endpoint());
        }
        return out;
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

    /**
     * The providers a call may go to now: connected and not ejected (a lingering one only when no listed one is),
     * and among them those neither suspect nor busy; failing that, busy ones; failing that, suspect ones. So every
     * balancer avoids a suspect or busy provider while another will do, and a fleet that is all busy or all suspect
     * still gets calls. The common case (nobody suspect or busy) allocates nothing.
     */
    public List<Endpoint> candidates() {
        List<Endpoint> all = endpoints;
        long now = System.nanoTime();
        int best = Integer.MAX_VALUE;
        int ofBest = 0;
        for (Endpoint e : all) {
            if (e.isAvailable() && !e.isEjected(now)) {
                int r = rank(e, now);
                if (r < best) {
                    best = r;
                    ofBest = 1;
                } else if (r == best) {
                    ofBest++;
                }
            }
        }
        if (best == Integer.MAX_VALUE) {
            return anyLingering ? availableUnderLock() : List.of();
        }
        if (best == 0 && ofBest == all.size()) {
            return all;
        }
        List<Endpoint> chosen = new ArrayList<>(ofBest);
        for (Endpoint e : all) {
            if (e.isAvailable() && !e.isEjected(now) && rank(e, now) == best) {
                chosen.add(e);
            }
        }
        return chosen.isEmpty() ? listedAvailable() : chosen; // a provider's state changed between the two passes
    }

    /** Lower is better: suspect (maybe dead) outweighs busy (alive, refusing for a moment). */
    private static int rank(Endpoint e, long now) {
        return (e.isSuspect() ? 2 : 0) + (e.isBusy(now) ? 1 : 0);
    }

    /** Feeds one outcome to the providers' health, as a call's attempt does (for tests of the health rules). */
    void record(Endpoint endpoint, Throwable failure, RpcResponse response) {
        health.record(endpoint, failure, response);
    }

    TransportClient client() {
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
        health.stop();
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
