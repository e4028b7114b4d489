package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Consumers' subscriptions: one {@link CuratorCache} per subscription on the service's providers node, which keeps its
 * data through a connection outage and resynchronises after it. Every change delivers the complete, sorted,
 * de-duplicated provider list; malformed provider nodes are skipped with a warning. An empty list is never delivered
 * while the connection is down or shortly after it came back (providers are still re-registering then): an outage
 * must not wipe a consumer's provider list.
 */
final class ProviderSubscriptions {
    // the registry's logger name: operators' log settings (and the ACL tests) name ZooKeeperRegistry
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final ZooKeeperSession session;
    private final CuratorFramework client;
    private final ZooKeeperLayout layout;
    /** Looks again at a withheld empty list; shut down by the registry when it closes. */
    private final ScheduledExecutorService recheck;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

    ProviderSubscriptions(ZooKeeperSession session, ZooKeeperLayout layout, ScheduledExecutorService recheck) {
        this.session = session;
        this.client = session.client();
        this.layout = layout;
        this.recheck = recheck;
    }

    Registry.Subscription subscribe(String serviceKey, Registry.ProviderListener listener) {
        Watch watch = new Watch(serviceKey, layout.providersPath(serviceKey), listener);
        watches.add(watch);
        watch.start();
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    /**
     * After a session expiry: rebuilds every watch from a fresh read instead of trusting caches whose watches (and,
     * after a data loss, whose root nodes) went away with the old session.
     */
    void restartAll() {
        watches.forEach(Watch::restart);
    }

    /** One subscription: turns cache events into complete, de-duplicated provider lists. */
    private final class Watch {
        private final String serviceKey;
        private final String path;
        private final Registry.ProviderListener listener;
        private volatile CuratorCache cache;
        private volatile boolean initialized;
        private boolean closed;
        private List<ProviderInfo> last;

        Watch(String serviceKey, String path, Registry.ProviderListener listener) {
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
            List<ProviderInfo> providers = decode(cache);
            if (providers.equals(last)) {
                return;
            }
            if (providers.isEmpty() && last != null && !last.isEmpty() && !session.safeToDeliverEmpty()) {
                log.warn("ZooKeeper shows no provider of {} while the connection is down or just came back; keeping the last {} provider(s)",
                        serviceKey, last.size());
                // look again once the connection has been stable long enough for providers to re-register
                recheck.schedule((Runnable) this::changed, TimeUnit.NANOSECONDS.toMillis(session.emptyGraceNanos()) + 100,
                        TimeUnit.MILLISECONDS);
                return;
            }
            last = List.copyOf(providers);
            try {
                listener.onProviders(last);
            } catch (RuntimeException e) {
                log.error("Provider listener for {} failed", serviceKey, e);
            }
        }

        /** The provider nodes the cache holds, sorted by address; a node that does not parse is skipped with a warning. */
        private List<ProviderInfo> decode(CuratorCache cache) {
            List<ProviderInfo> providers = new ArrayList<>();
            cache.stream().forEach((ChildData d) -> {
                String name = ZooKeeperLayout.providerNodeName(path, d.getPath());
                if (name != null) {
                    try {
                        String data = d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8);
                        providers.add(ProviderInfo.fromNode(serviceKey, name, data));
                    } catch (RuntimeException e) {
                        log.warn("Ignoring malformed provider node {}: {}", d.getPath(), e.getMessage());
                    }
                }
            });
            providers.sort(Comparator.comparing(ProviderInfo::address));
            return providers;
        }
    }
}
