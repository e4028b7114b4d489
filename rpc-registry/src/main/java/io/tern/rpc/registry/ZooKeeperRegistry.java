package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Provider addresses in ZooKeeper through Curator (SPEC §3): one EPHEMERAL node per provider at
 * {@code {root}/{serviceKey}/providers/{host}:{port}}. Provider nodes are Curator {@link PersistentNode}s, so they
 * come back by themselves after a session expiry; consumers watch with {@link CuratorCache}, which keeps its data
 * through a connection outage and resynchronises after it.
 *
 * <p>An empty list is never delivered while the connection is down or shortly after it came back (providers are
 * still re-registering then): an outage must not wipe a consumer's provider list.
 */
public final class ZooKeeperRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final RegistryAddress address;
    private final RegistryConfig config;
    private final CuratorFramework client;
    private final Map<String, PersistentNode> registered = new ConcurrentHashMap<>();
    private final long emptyGraceNanos;
    private final java.util.concurrent.ScheduledExecutorService recheck = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tern-registry-recheck");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean sessionLost;
    private volatile boolean connected;
    private volatile long connectedSinceNanos;

    public ZooKeeperRegistry(RegistryAddress address, RegistryConfig config) {
        this.address = address;
        this.config = config;
        this.emptyGraceNanos = Math.min(config.sessionTimeout().toNanos(), TimeUnit.SECONDS.toNanos(10));
        this.client = CuratorFrameworkFactory.builder()
                .connectString(address.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectTimeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) config.retryBaseSleep().toMillis(), config.retryMaxRetries()))
                .build();
        client.getConnectionStateListenable().addListener((c, state) -> onState(state));
        client.start();
        boolean up;
        try {
            up = client.blockUntilConnected((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        }
        if (!up) {
            client.close();
            throw new RegistryException("cannot connect to ZooKeeper at " + address + " within " + config.connectTimeout().toMillis()
                    + " ms (rpc.registry.connect-timeout): is it running and reachable?");
        }
        connected = true;
        connectedSinceNanos = System.nanoTime() - emptyGraceNanos; // the first list may be empty: nothing was lost
        log.info("Connected to ZooKeeper at {} (root {}, session timeout {} ms)", address, config.rootPath(), config.sessionTimeout().toMillis());
    }

    private void onState(ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                connectedSinceNanos = System.nanoTime();
                connected = true;
                if (state == ConnectionState.RECONNECTED) {
                    log.info("Reconnected to ZooKeeper at {}", address);
                    if (sessionLost) {
                        // a new session: rebuild every watch from a fresh read instead of trusting caches whose
                        // watches (and, after a data loss, whose root nodes) went away with the old session
                        sessionLost = false;
                        watches.forEach(Watch::restart);
                    }
                }
            }
            case SUSPENDED, LOST -> {
                connected = false;
                if (state == ConnectionState.LOST) {
                    sessionLost = true;
                }
                log.warn("ZooKeeper connection {} ({}): keeping the last known provider lists", state, address);
            }
            default -> { }
        }
    }

    /** The Curator client, for operations tooling and for tests that inject a session expiry. */
    public CuratorFramework curator() {
        return client;
    }

    public String providersPath(String serviceKey) {
        String root = config.rootPath().equals("/") ? "" : config.rootPath();
        return root + "/" + serviceKey + "/providers";
    }

    @Override
    public void register(ProviderInfo provider) {
        String path = providersPath(provider.serviceKey()) + "/" + provider.address();
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path,
                provider.toNodeData().getBytes(StandardCharsets.UTF_8));
        PersistentNode previous = registered.put(path, node);
        if (previous != null) {
            closeQuietly(previous, path);
        }
        node.start();
        try {
            if (!node.waitForInitialCreate(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Registration of {} not confirmed within {} ms; it will be created once ZooKeeper answers", path,
                        config.connectTimeout().toMillis());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Registered {}", path);
    }

    @Override
    public void unregister(ProviderInfo provider) {
        String path = providersPath(provider.serviceKey()) + "/" + provider.address();
        PersistentNode node = registered.remove(path);
        if (node != null) {
            closeQuietly(node, path);
            log.info("Unregistered {}", path);
        }
    }

    private static void closeQuietly(PersistentNode node, String path) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete {} cleanly ({}); ZooKeeper removes it when the session ends", path, e.toString());
        }
    }

    @Override
    public Subscription subscribe(String serviceKey, ProviderListener listener) {
        Watch watch = new Watch(serviceKey, providersPath(serviceKey), listener);
        watches.add(watch);
        watch.start();
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    @Override
    public String describe(String serviceKey) {
        return address + " at " + providersPath(serviceKey);
    }

    /** True once the connection has been up for the grace period: an empty list then means no providers. */
    boolean safeToDeliverEmpty() {
        return connected && System.nanoTime() - connectedSinceNanos >= emptyGraceNanos;
    }

    @Override
    public void close() {
        for (Map.Entry<String, PersistentNode> e : registered.entrySet()) {
            closeQuietly(e.getValue(), e.getKey());
        }
        registered.clear();
        recheck.shutdownNow();
        client.close();
    }

    /** One subscription: turns cache events into complete, de-duplicated provider lists. */
    private final class Watch {
        private final String serviceKey;
        private final String path;
        private final ProviderListener listener;
        private volatile CuratorCache cache;
        private volatile boolean initialized;
        private boolean closed;
        private List<ProviderInfo> last;

        Watch(String serviceKey, String path, ProviderListener listener) {
            this.serviceKey = serviceKey;
            this.path = path;
            this.listener = listener;
        }

        synchronized void start() {
            if (closed) {
                return;
            }
            CuratorCache c = CuratorCache.build(client, path);
            c.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, oldData, data) -> changed(c))
                    .forInitialized(() -> initialized(c))
                    .build());
            initialized = false;
            cache = c;
            c.start();
        }

        synchronized void restart() {
            CuratorCache old = cache;
            if (old != null) {
                old.close();
            }
            start(); // the last delivered list stays until the fresh read says otherwise
        }

        synchronized void close() {
            closed = true;
            if (cache != null) {
                cache.close();
            }
        }

        private void initialized(CuratorCache c) {
            if (c == cache) {
                initialized = true;
                changed();
            }
        }

        private void changed(CuratorCache c) {
            if (c == cache) {
                changed();
            }
        }

        synchronized void changed() {
            CuratorCache cache = this.cache;
            if (!initialized || cache == null) {
                return;
            }
            List<ProviderInfo> providers = new ArrayList<>();
            String prefix = path + "/";
            cache.stream().forEach((ChildData d) -> {
                String p = d.getPath();
                if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
                    try {
                        String data = d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8);
                        providers.add(ProviderInfo.fromNode(serviceKey, p.substring(prefix.length()), data));
                    } catch (RuntimeException e) {
                        log.warn("Ignoring malformed provider node {}: {}", p, e.getMessage());
                    }
                }
            });
            providers.sort(Comparator.comparing(ProviderInfo::address));
            if (providers.equals(last)) {
                return;
            }
            if (providers.isEmpty() && last != null && !last.isEmpty() && !safeToDeliverEmpty()) {
                log.warn("ZooKeeper shows no provider of {} while the connection is down or just came back; keeping the last {} provider(s)",
                        serviceKey, last.size());
                // look again once the connection has been stable long enough for providers to re-register
                recheck.schedule((Runnable) this::changed, TimeUnit.NANOSECONDS.toMillis(emptyGraceNanos) + 100, TimeUnit.MILLISECONDS);
                return;
            }
            last = List.copyOf(providers);
            try {
                listener.onProviders(last);
            } catch (RuntimeException e) {
                log.error("Provider listener for {} failed", serviceKey, e);
            }
        }
    }
}
