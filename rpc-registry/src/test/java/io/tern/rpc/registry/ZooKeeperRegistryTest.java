package io.tern.rpc.registry;

import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.test.KillSession;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ZooKeeper registry against a real ZooKeeper server (Curator's TestingServer on 127.0.0.1). */
class ZooKeeperRegistryTest {
    static final String KEY = "io.tern.demo.HelloService:2.0@blue";

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

    static ProviderInfo provider(int port, int weight) {
        return new ProviderInfo(KEY, "127.0.0.1", port, weight, "protostuff", 1_700_000_000_000L, "2.0", "blue", Map.of());
    }

    @Test
    void providerNodeHasTheSpecPathDataAndIsEphemeral() throws Exception {
        try (Registry registry = Registries.create(config())) {
            registry.register(provider(7070, 150));
            String path = "/tern/" + KEY + "/providers/127.0.0.1:7070";
            Stat stat = plain.checkExists().forPath(path);
            assertTrue(stat != null, "node exists at " + path);
            assertNotEquals(0L, stat.getEphemeralOwner(), "node is EPHEMERAL");
            String data = new String(plain.getData().forPath(path), StandardCharsets.UTF_8);
            assertEquals("weight=150&serialization=protostuff&timestamp=1700000000000&version=2.0&group=blue", data);
            registry.unregister(provider(7070, 150));
            assertNull(plain.checkExists().forPath(path), "unregister deletes the node");
        }
    }

    @Test
    void nodeDisappearsWhenTheProviderSessionEnds() throws Exception {
        Registry registry = Registries.create(config());
        registry.register(provider(7071, 100));
        String path = "/tern/" + KEY + "/providers/127.0.0.1:7071";
        assertTrue(plain.checkExists().forPath(path) != null);
        registry.close();
        Poll.until(Duration.ofSeconds(10), "node removed with the session", () -> exists(path) == null);
    }

    @Test
    void consumersFollowProvidersAsTheyComeAndGo() {
        List<List<ProviderInfo>> seen = new CopyOnWriteArrayList<>();
        AtomicReference<List<ProviderInfo>> current = new AtomicReference<>(List.of());
        try (Registry providers = Registries.create(config()); Registry consumer = Registries.create(config())) {
            consumer.subscribe(KEY, list -> {
                seen.add(list);
                current.set(list);
            });
            Poll.until(Duration.ofSeconds(5), "initial (empty) list", () -> !seen.isEmpty());
            providers.register(provider(7001, 100));
            providers.register(provider(7002, 200));
            Poll.until(Duration.ofSeconds(5), "two providers", () -> current.get().size() == 2);
            assertEquals(200, current.get().stream().filter(p -> p.port() == 7002).findFirst().orElseThrow().weight());
            providers.unregister(provider(7001, 100));
            Poll.until(Duration.ofSeconds(5), "one provider left", () -> current.get().size() == 1 && current.get().get(0).port() == 7002);
            providers.unregister(provider(7002, 200));
            Poll.until(Duration.ofSeconds(5), "no provider left", () -> current.get().isEmpty());
        }
    }

    @Test
    void sessionExpiryRecreatesProviderNodes() throws Exception {
        try (ZooKeeperRegistry registry = (ZooKeeperRegistry) Registries.create(config())) {
            registry.register(provider(7072, 100));
            String path = "/tern/" + KEY + "/providers/127.0.0.1:7072";
            long ownerBefore = exists(path).getEphemeralOwner();
            KillSession.kill(registry.curator().getZookeeperClient().getZooKeeper());
            Poll.until(Duration.ofSeconds(20), "node re-created under a new session", () -> {
                Stat s = exists(path);
                return s != null && s.getEphemeralOwner() != ownerBefore;
            });
        }
    }

    @Test
    void unreachableZooKeeperFailsWithinTheConnectTimeoutNamingTheAddress() {
        RegistryConfig cfg = RegistryConfig.of("zookeeper://127.0.0.1:1").withConnectTimeout(Duration.ofMillis(800));
        long start = System.nanoTime();
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> Registries.create(cfg));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("ZooKeeper at 127.0.0.1:1 (rpc.registry.address) did not answer within 800 ms (rpc.registry.connect-timeout):"
                + " is it running, and reachable from this host?", e.getMessage());
        assertEquals("127.0.0.1:1", e.servers());
        assertEquals(Duration.ofMillis(800), e.connectTimeout());
        assertTrue(tookMs < 5_000, "failed after " + tookMs + " ms");
    }

    @Test
    void theConnectTimeoutIsShownAsAUserWouldWriteIt() {
        assertEquals("500 ms", RegistryUnavailableException.readable(Duration.ofMillis(500)));
        assertEquals("5 s", RegistryUnavailableException.readable(Duration.ofSeconds(5)));
        assertEquals("1.5 s", RegistryUnavailableException.readable(Duration.ofMillis(1500)));
    }

    @Test
    void malformedAddressesAreRefusedWithTheExpectedForm() {
        for (String bad : new String[]{"", "127.0.0.1:2181", "zk://127.0.0.1:2181", "zookeeper://", "zookeeper://host", "zookeeper://h:notaport",
                "zookeeper://h:70000", "direct://a:1,,b:2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("zookeeper://host:port"), e.getMessage());
        }
        assertEquals(List.of("a:1", "b:2"), RegistryAddress.parse("zookeeper://a:1,b:2").hosts());
    }

    @Test
    void directRegistryListsItsFixedProviders() {
        try (Registry direct = Registries.create(RegistryConfig.of("direct://127.0.0.1:7001,127.0.0.1:7002"))) {
            AtomicReference<List<ProviderInfo>> got = new AtomicReference<>();
            direct.subscribe(KEY, got::set);
            assertEquals(2, got.get().size());
            assertEquals(7002, got.get().get(1).port());
            assertEquals(KEY, got.get().get(0).serviceKey());
        }
    }

    @Test
    void rootPathIsConfigurable() throws Exception {
        try (Registry registry = Registries.create(config().withRootPath("/other"))) {
            registry.register(provider(7073, 100));
            assertTrue(exists("/other/" + KEY + "/providers/127.0.0.1:7073") != null);
        }
    }

    private Stat exists(String path) {
        try {
            return plain.checkExists().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
