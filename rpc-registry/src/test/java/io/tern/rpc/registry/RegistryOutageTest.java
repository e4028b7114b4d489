package io.tern.rpc.registry;

import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.curator.test.InstanceSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registry faults: ZooKeeper down and back, and a 3-server ensemble losing a server. */
class RegistryOutageTest {
    static final String KEY = "io.tern.demo.OutageService";

    static ProviderInfo provider(int port) {
        return new ProviderInfo(KEY, "127.0.0.1", port, 100, "protostuff", 1L, "", "", Map.of());
    }

    @Test
    void outageNeverWipesTheListAndChangesMadeMeanwhileArriveAfterwards() throws Exception {
        TestingServer zk = ZooKeepers.server();
        int port = zk.getPort();
        List<List<ProviderInfo>> seen = new CopyOnWriteArrayList<>();
        AtomicReference<List<ProviderInfo>> current = new AtomicReference<>(List.of());
        RegistryConfig cfg = RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(3));
        try (Registry providers = Registries.create(cfg); Registry consumer = Registries.create(cfg)) {
            consumer.subscribe(KEY, list -> {
                seen.add(list);
                current.set(list);
            });
            providers.register(provider(7101));
            Poll.until(Duration.ofSeconds(5), "provider listed", () -> current.get().size() == 1);
            int notificationsBefore = seen.size();

            zk.stop(); // longer than the 3 s session timeout: every session expires
            Thread latecomerThread = new Thread(() -> {
                // a provider that starts while ZooKeeper is down registers once it is back
                providers.register(provider(7102));
            });
            latecomerThread.start();
            long downUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < downUntil) {
                assertEquals(1, current.get().size(), "the last known list is kept during the outage");
                Thread.sleep(50); // sampling the list during a fixed outage window, not waiting for a condition
            }
            zk.close();
            zk = new TestingServer(new InstanceSpec(null, port, -1, -1, true, -1, ZooKeepers.TICK_MILLIS, -1,
                    Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1"), true);
            Poll.until(Duration.ofSeconds(30), "both providers listed after ZooKeeper is back", () -> current.get().size() == 2);
            latecomerThread.join(10_000);
            for (List<ProviderInfo> list : seen.subList(notificationsBefore, seen.size())) {
                assertTrue(!list.isEmpty(), "an empty list was delivered because of the outage: " + seen);
            }
        } finally {
            zk.close();
        }
    }

    @Test
    void ensembleKeepsWorkingWithOneServerDown() throws Exception {
        try (TestingCluster cluster = ZooKeepers.cluster(3)) {
            cluster.start();
            RegistryConfig cfg = RegistryConfig.of(ZooKeepers.address(cluster.getConnectString())).withSessionTimeout(Duration.ofSeconds(6));
            AtomicReference<List<ProviderInfo>> current = new AtomicReference<>(List.of());
            try (Registry providers = Registries.create(cfg); Registry consumer = Registries.create(cfg)) {
                consumer.subscribe(KEY, current::set);
                providers.register(provider(7201));
                Poll.until(Duration.ofSeconds(10), "first provider", () -> current.get().size() == 1);
                InstanceSpec victim = cluster.getInstances().iterator().next();
                assertTrue(cluster.killServer(victim));
                providers.register(provider(7202));
                Poll.until(Duration.ofSeconds(30), "provider registered after a server died is discovered", () -> current.get().size() == 2);
                providers.unregister(provider(7201));
                Poll.until(Duration.ofSeconds(30), "removal seen", () -> current.get().size() == 1 && current.get().get(0).port() == 7202);
            }
        }
    }
}
