package io.tern.rpc.registry;

import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registry.status(): what a health check reads, without asking the registry anything. */
class RegistryStatusTest {

    @Test
    void zooKeeperStatusFollowsTheSessionAndADisconnectionKeepsTheTimeItBegan() throws Exception {
        try (TestingServer zk = ZooKeepers.server()) {
            RegistryConfig cfg = RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(2));
            Registry registry = Registries.create(cfg);
            try {
                assertEquals(RegistryStatus.State.CONNECTED, registry.status().state());
                assertTrue(registry.status().isLive());

                Instant beforeOutage = Instant.now();
                zk.stop();
                Poll.until(Duration.ofSeconds(10), "the connection loss is seen", () -> registry.status().isDisconnected());
                Instant since = registry.status().since();
                assertFalse(since.isBefore(beforeOutage), since + " is when the connection was lost");
                assertTrue(registry.status().description().contains(zk.getConnectString()), registry.status().description());

                Poll.until(Duration.ofSeconds(20), "the session expires", () -> registry.status().state() == RegistryStatus.State.LOST);
                assertEquals(since, registry.status().since(), "still disconnected since the connection was lost");

                zk.restart();
                Poll.until(Duration.ofSeconds(30), "reconnected", () -> registry.status().state() == RegistryStatus.State.CONNECTED);
            } finally {
                registry.close();
            }
            assertEquals(RegistryStatus.State.CLOSED, registry.status().state());
        }
    }

    @Test
    void aDirectRegistryIsAFixedListThatCannotGoStale() {
        Registry direct = Registries.create(RegistryConfig.of("direct://127.0.0.1:7070"));
        assertEquals(RegistryStatus.State.FIXED, direct.status().state());
        assertTrue(direct.status().isLive() && !direct.status().isDisconnected());
        direct.close();
        assertEquals(RegistryStatus.State.CLOSED, direct.status().state());
    }
}
