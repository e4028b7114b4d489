package io.tern.rpc.spring;

import io.tern.rpc.registry.Registry;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.registry.RegistryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The consumer side: one {@link TernClient} (transport and registry session), created on the first reference, and
 * one proxy per distinct reference configuration. {@code @RpcReference} fields are filled from here; code can ask
 * for proxies directly (constructor injection, {@code @Bean} methods):
 *
 * <pre>{@code
 * UserService users = references.get(UserService.class, ReferenceSettings.defaults().timeout("500ms"));
 * }</pre>
 *
 * It stops after the provider side and after a web server has drained (a late phase), then closes every connection
 * and the registry session; proxies fail from then on.
 */
public class RpcReferences implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RpcReferences.class);

    /** Stops after the web server's graceful shutdown (DEFAULT_PHASE - 1024) and the provider side. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final ConsumerSettings consumer;
    private final RegistryConfig registryConfig;
    private final RpcExtensions extensions;
    private final Map<Key, Object> proxies = new HashMap<>();
    private TernClient client;
    private boolean closed;
    private volatile boolean running;

    /** A reference configuration with every default resolved: equal keys share a proxy. */
    record Key(Class<?> type, String version, String group, Duration timeout, String loadBalance, String cluster, int retries,
               String backupRequest, String serialization, String compression, boolean idempotent) {
        @Override
        public String toString() {
            return type.getName() + (version.isEmpty() ? "" : ":" + version) + (group.isEmpty() ? "" : "@" + group)
                    + " [timeout=" + timeout.toMillis() + "ms, cluster=" + cluster + ", retries=" + retries + ", load-balance=" + loadBalance
                    + ", backup-request=" + backupRequest + ", serialization=" + serialization + ", compression=" + compression
                    + (idempotent ? ", idempotent" : "") + "]";
        }
    }

    public RpcReferences(RpcProperties properties) {
        this(properties, RpcExtensions.NONE);
    }

    /** @param observers where to report calls; may be null or empty */
    public RpcReferences(RpcProperties properties, ObjectProvider<RpcCallObserver> observers) {
        this(properties, new RpcExtensions(null, observers, null, null, null));
    }

    RpcReferences(RpcProperties properties, RpcExtensions extensions) {
        RpcSettings settings = properties.settings();
        this.consumer = settings.consumer();
        this.registryConfig = settings.registry();
        this.extensions = extensions;
    }

    /** A proxy configured entirely by the {@code rpc.*} properties. */
    public <T> T get(Class<T> type) {
        return get(type, ReferenceSettings.defaults());
    }

    /** A proxy with these settings over the {@code rpc.*} properties; shared with every equal configuration. */
    public <T> T get(Class<T> type, ReferenceSettings settings) {
        return get(type, settings, "RpcReferences.get(" + type.getSimpleName() + ".class)");
    }

    <T> T get(Class<T> type, ReferenceSettings settings, String where) {
        Key key = resolve(type, settings, where);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the Tern RPC consumer is closed (the application context is stopping); cannot refer to " + key);
            }
            Object proxy = proxies.get(key);
            if (proxy == null) {
                Reference<T> reference = consumer.references().reference(type, key);
                proxy = client().refer(reference);
                proxies.put(key, proxy);
                log.info("Tern RPC reference {}", key);
            }
            return type.cast(proxy);
        }
    }

    /** The consumer's client, created on first use (it connects to the registry). */
    public synchronized TernClient client() {
        if (closed) {
            throw new IllegalStateException("the Tern RPC consumer is closed");
        }
        if (client == null) {
            Registry given = extensions.registry();
            client = given != null ? new TernClient(consumer.client(), given) : new TernClient(consumer.client(), registryConfig);
            extensions.addTo(client);
        }
        return client;
    }

    /** The service keys referred to so far, e.g. {@code io.tern.demo.UserService:2.0@blue}. */
    public synchronized java.util.SortedSet<String> serviceKeys() {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        for (Key k : proxies.keySet()) {
            keys.add(io.tern.rpc.protocol.ServiceKey.of(k.type().getName(), k.version(), k.group()));
        }
        return keys;
    }

    /** Each reference as it is now (the {@code rpc} endpoint); empty before the first reference and after close. */
    public java.util.List<io.tern.rpc.cluster.ReferenceView> views() {
        TernClient c;
        synchronized (this) {
            c = closed ? null : client;
        }
        return c == null ? java.util.List.of() : c.views();
    }

    /** The consumer's registry session, or null before the first reference (or after close). */
    public synchronized io.tern.rpc.registry.Registry registry() {
        return client == null ? null : client.registry();
    }

    /** Providers of one referenced service as this consumer sees them now. */
    public record ProviderCounts(int listed, int available) {
    }

    /**
     * Per referenced service key: how many providers the registry lists (the last list received, kept through a
     * registry outage) and how many a call can use now (connected, not ejected). Reads local state only.
     */
    public synchronized java.util.SortedMap<String, ProviderCounts> providerCounts() {
        java.util.SortedMap<String, ProviderCounts> counts = new java.util.TreeMap<>();
        if (client == null) {
            return counts;
        }
        for (io.tern.rpc.cluster.Directory d : client.directories()) {
            ProviderCounts mine = new ProviderCounts(d.all().size(), d.available().size());
            // several proxies of one service (different settings): the one worst off decides whether calls can go out
            counts.merge(d.serviceKey(), mine, (a, b) -> new ProviderCounts(Math.max(a.listed(), b.listed()), Math.min(a.available(), b.available())));
        }
        return counts;
    }

    /** How many distinct proxies exist (equal configurations share one). */
    public synchronized int size() {
        return proxies.size();
    }

    /** The configuration of a reference with these settings, validated (its attributes over the rpc.consumer.* defaults). */
    Key resolve(Class<?> type, ReferenceSettings settings, String where) {
        return consumer.references().resolve(type, settings, where);
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes connections and the registry session. */
    @Override
    public void stop() {
        close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        close();
    }

    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            log.info("Tern RPC consumer closing ({} reference(s))", proxies.size());
            client.close();
            client = null;
        }
        proxies.clear();
    }
}
