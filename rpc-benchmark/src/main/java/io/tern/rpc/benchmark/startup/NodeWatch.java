package io.tern.rpc.benchmark.startup;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The harness's own eye on the registry: a separate Curator client watching the service's providers node, noting for
 * each provider node when this JVM saw it appear (System.nanoTime()) and when ZooKeeper created it (the node's
 * ctime, epoch ms from the server's clock, which is this machine's).
 */
final class NodeWatch implements AutoCloseable {
    /** When a provider node was created (server clock, epoch ms) and seen here (nanoTime). */
    record Seen(long ctimeMillis, long seenNanos) {
    }

    private final CuratorFramework client;
    private final CuratorCache cache;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    NodeWatch(String connectString, String providersPath) throws InterruptedException {
        client = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(200, 3));
        client.start();
        if (!client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("cannot connect to ZooKeeper at " + connectString);
        }
        cache = CuratorCache.build(client, providersPath);
        cache.listenable().addListener(CuratorCacheListener.builder().forCreates((ChildData d) -> {
            long now = System.nanoTime();
            String name = d.getPath().substring(d.getPath().lastIndexOf('/') + 1);
            if (!d.getPath().equals(providersPath) && d.getStat() != null) {
                seen.putIfAbsent(name, new Seen(d.getStat().getCtime(), now));
            }
        }).build());
        cache.start();
    }

    /** When the node {@code host:port} was created and seen, or null while it has not been. */
    Seen seen(String address) {
        return seen.get(address);
    }

    @Override
    public void close() {
        cache.close();
        client.close();
    }
}
