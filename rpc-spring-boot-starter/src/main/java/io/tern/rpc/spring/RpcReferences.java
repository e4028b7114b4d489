package io.tern.rpc.spring;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.protocol.Compression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

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

    private final RpcProperties properties;
    private final ObjectProvider<RpcCallObserver> observers;
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
        this(properties, null);
    }

    /** @param observers where to report calls (metrics); may be null or empty */
    public RpcReferences(RpcProperties properties, ObjectProvider<RpcCallObserver> observers) {
        this.properties = properties;
        this.observers = observers;
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
                Reference<T> reference = reference(type, key);
                proxy = ObservedProxy.wrap(type, client().refer(reference), reference.serviceKey(), RpcCallObserver.Side.CLIENT,
                        observers == null ? null : observers.getIfAvailable());
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
            client = new TernClient(properties.clientConfig(), properties.registryConfig());
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

    Key resolve(Class<?> type, ReferenceSettings s, String where) {
        if (type == null || !type.isInterface()) {
            throw new RpcConfigurationException(where, where + ": " + (type == null ? "no type" : type.getName() + " is not an interface")
                    + "; a reference is made to a service interface");
        }
        RpcProperties.Consumer c = properties.getConsumer();
        Duration timeout = c.getTimeout();
        if (!s.timeout().isEmpty()) {
            timeout = attribute(where, "timeout", s.timeout(), () -> DurationStyle.detectAndParse(s.timeout()));
        }
        Key key = new Key(type, s.version(), s.group(), timeout,
                or(s.loadBalance(), c.getLoadBalance()), or(s.cluster(), c.getCluster()), s.retries() == -1 ? c.getRetries() : s.retries(),
                or(s.backupRequest(), c.getBackupRequest()), or(s.serialization(), properties.getSerialization()),
                or(s.compression(), properties.getCompression()), s.idempotent());
        // each attribute set on the annotation is checked on its own, so the message names the attribute at fault
        Reference<?> probe = Reference.to(type);
        Duration t = timeout;
        attribute(where, "timeout", s.timeout(), () -> probe.timeout(t));
        attribute(where, "loadBalance", s.loadBalance(), () -> probe.loadBalance(key.loadBalance()));
        attribute(where, "cluster", s.cluster(), () -> probe.cluster(key.cluster()));
        attribute(where, "retries", s.retries() == -1 ? "" : Integer.toString(s.retries()), () -> probe.retries(key.retries()));
        attribute(where, "backupRequest", s.backupRequest(), () -> probe.backupRequest(key.backupRequest()));
        attribute(where, "serialization", s.serialization(), () -> probe.serialization(key.serialization()));
        attribute(where, "compression", s.compression(), () -> compression(key));
        checkHashKeys(type, key, s, where);
        return key;
    }

    /** A consistent-hash reference whose key parameter has no stable form fails here, naming the field and the method. */
    private void checkHashKeys(Class<?> type, Key key, ReferenceSettings s, String where) {
        if (!"consistent-hash".equals(key.loadBalance())) {
            return;
        }
        try {
            Reference.to(type).loadBalance(key.loadBalance()).hashArguments(properties.getConsumer().hashArgumentIndexes()).balancer();
        } catch (IllegalArgumentException e) {
            String setting = s.loadBalance().isEmpty() ? "rpc.consumer.load-balance" : where + " loadBalance";
            throw new RpcConfigurationException(setting, where + ": " + e.getMessage(), e);
        }
    }

    private <R> R attribute(String where, String name, String value, Supplier<R> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (value.isEmpty()) {
                throw e instanceof IllegalArgumentException iae ? RpcConfigurationException.of("rpc.consumer", iae) : e;
            }
            String setting = where + " " + name;
            throw new RpcConfigurationException(setting, where + ": " + name + " = \"" + value + "\" is invalid: " + e.getMessage(), e);
        }
    }

    private Compression compression(Key key) {
        return Compression.byName(key.compression(), properties.compressionThresholdBytes());
    }

    private <T> Reference<T> reference(Class<T> type, Key key) {
        return properties.applyHealthSettings(Reference.to(type)).version(key.version()).group(key.group())
                .timeout(key.timeout())
                .serialization(key.serialization())
                .compression(compression(key))
                .cluster(key.cluster())
                .retries(key.retries())
                .loadBalance(key.loadBalance())
                .backupRequest(key.backupRequest())
                .hashArguments(properties.getConsumer().hashArgumentIndexes())
                .idempotent(key.idempotent())
                .retryBudget(properties.getConsumer().getRetryBudgetRatio(), properties.getConsumer().getRetryBudgetMinPerSecond())
                .warmup(properties.getConsumer().getWarmup())
                .attemptTimeout(properties.getConsumer().getAttemptTimeout())
                .callbackExecutor(properties.getConsumer().getCallbackExecutor());
    }

    private static String or(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
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
