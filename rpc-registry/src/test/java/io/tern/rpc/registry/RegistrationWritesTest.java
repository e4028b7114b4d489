package io.tern.rpc.registry;

import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What the registry writes to ZooKeeper, which every watching consumer pays for in events and reads: a registration
 * is one create (no second write of the same data), and a provider's many registrations leave in one step.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistrationWritesTest {
    static final String KEY = "io.tern.demo.HelloService:2.0@blue";
    static final String PROVIDERS = "/tern/" + KEY + "/providers";

    TestingServer zk;
    CuratorFramework plain;

    @BeforeEach
    void start() throws Exception {
        zk = ZooKeepers.server();
        plain = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        plain.start();
        plain.blockUntilConnected();
    }

    @AfterEach
    void stop() throws Exception {
        plain.close();
        zk.close();
    }

    RegistryConfig config() {
        return RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(4));
    }

    static ProviderInfo provider(String serviceKey, int port) {
        return new ProviderInfo(serviceKey, "127.0.0.1", port, 100, "protostuff", 1_700_000_000_000L, "2.0", "blue", Map.of());
    }

    static String path(int port) {
        return PROVIDERS + "/127.0.0.1:" + port;
    }

    @Test
    void aRegistrationIsWrittenOnceSoWatchersSeeOneEvent() throws Exception {
        assertWrittenOnce(config());
    }

    @Test
    void aRegistrationWithCredentialsIsWrittenOnceToo() throws Exception {
        assertWrittenOnce(config().withCredentials("tern-provider", "s3cret-Pa55"));
    }

    private void assertWrittenOnce(RegistryConfig config) throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger changed = new AtomicInteger();
        try (CuratorCache watch = CuratorCache.build(plain, PROVIDERS);
             Registry registry = Registries.create(config)) {
            watch.listenable().addListener(CuratorCacheListener.builder()
                    .forCreates(d -> created.incrementAndGet())
                    .forChanges((before, after) -> changed.incrementAndGet())
                    .build());
            watch.start();
            for (int port = 7001; port <= 7005; port++) {
                registry.register(provider(KEY, port));
                Stat stat = plain.checkExists().forPath(path(port));
                assertNotNull(stat, "registered node " + path(port));
                assertEquals(0, stat.getVersion(), "data of " + path(port) + " written more than once");
            }
            // events arrive in order: once this marker registration is seen, any second write of a registration was too
            registry.register(provider(KEY, 7099));
            Poll.until(Duration.ofSeconds(20), "the marker seen by the watcher", () -> watch.get(path(7099)).isPresent());
            assertEquals(0, changed.get(), "change events a watcher got for 5 new registrations");
            String data = new String(plain.getData().forPath(path(7001)), StandardCharsets.UTF_8);
            assertEquals("weight=100&serialization=protostuff&timestamp=1700000000000&version=2.0&group=blue", data);
        }
    }

    @Test
    void aNodeLeftByThePreviousSessionIsTakenOverWithTheNewData() throws Exception {
        // a provider restarted before its old session expired: the old node must carry the new registration's data
        plain.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path(7070),
                "weight=1&serialization=protostuff&timestamp=1&version=2.0&group=blue".getBytes(StandardCharsets.UTF_8));
        try (Registry registry = Registries.create(config())) {
            registry.register(provider(KEY, 7070));
            String data = new String(plain.getData().forPath(path(7070)), StandardCharsets.UTF_8);
            assertEquals("weight=100&serialization=protostuff&timestamp=1700000000000&version=2.0&group=blue", data);
        }
    }

    @Test
    void manyRegistrationsLeaveInOneStepOnUnregisterAll() throws Exception {
        try (Registry registry = Registries.create(config())) {
            List<ProviderInfo> providers = registerMany(registry);
            CompletableFuture<List<String>> firstRemoval = watchFirstRemoval();
            registry.unregisterAll(providers);
            assertAllGoneAtFirstRemoval(firstRemoval, providers.size());
        }
    }

    @Test
    void manyRegistrationsLeaveInOneStepOnClose() throws Exception {
        Registry registry = Registries.create(config());
        List<ProviderInfo> providers = registerMany(registry);
        CompletableFuture<List<String>> firstRemoval = watchFirstRemoval();
        registry.close();
        assertAllGoneAtFirstRemoval(firstRemoval, providers.size());
    }

    private static List<ProviderInfo> registerMany(Registry registry) {
        List<ProviderInfo> providers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ProviderInfo p = provider(KEY, 8000 + i);
            registry.register(p);
            providers.add(p);
        }
        return providers;
    }

    /** The providers still listed when a watcher reads right after the first removal it is told of. */
    private CompletableFuture<List<String>> watchFirstRemoval() throws Exception {
        CompletableFuture<List<String>> leftAtFirstRemoval = new CompletableFuture<>();
        List<String> children = plain.getChildren().usingWatcher((Watcher) e -> {
            if (e.getType() == Watcher.Event.EventType.NodeChildrenChanged) {
                try {
                    plain.getChildren().inBackground((c, event) -> leftAtFirstRemoval.complete(
                            event.getChildren() == null ? List.of() : event.getChildren())).forPath(PROVIDERS);
                } catch (Exception ex) {
                    leftAtFirstRemoval.completeExceptionally(ex);
                }
            }
        }).forPath(PROVIDERS);
        assertEquals(100, children.size());
        return leftAtFirstRemoval;
    }

    /** A consumer reads as soon as it is told: with one delete at a time, most nodes are still there then. */
    private static void assertAllGoneAtFirstRemoval(CompletableFuture<List<String>> leftAtFirstRemoval, int registered) throws Exception {
        List<String> left = leftAtFirstRemoval.get(20, TimeUnit.SECONDS);
        assertEquals(0, left.size(), "of " + registered + " registrations, still listed when a watcher read after the first one went");
    }
}
