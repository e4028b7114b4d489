package io.tern.rpc.cluster;

import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.internal.ClientConnection;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three provider processes registered in ZooKeeper; one is killed with SIGKILL under steady calls. With failover
 * no idempotent call is lost; the dead provider leaves the candidate set at once (before ZooKeeper notices), and
 * its node disappears when its session times out.
 */
class ProviderKilledFailoverTest {
    static final long SESSION_MS = 4_000;

    @Test
    void sigkillUnderSteadyCallsLosesNoIdempotentCall() throws Exception {
        try (TestingServer zk = ZooKeepers.server()) {
            String address = ZooKeepers.address(zk.getConnectString());
            List<ProviderProcess> providers = new ArrayList<>();
            try (TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(address));
                 CuratorFramework plain = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
                for (int i = 0; i < 3; i++) {
                    providers.add(ProviderProcess.start(address, SESSION_MS));
                }
                plain.start();
                plain.blockUntilConnected();
                Greeter idempotent = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(3)).retries(2));
                Greeter failfast = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(3)).cluster("failfast"));
                String providersPath = "/tern/" + Greeter.class.getName() + "/providers";
                Poll.until(Duration.ofSeconds(20), "3 providers registered", () -> children(plain, providersPath) == 3);

                ProviderProcess victim = providers.get(0);
                String victimNode = providersPath + "/127.0.0.1:" + victim.port();
                try (SteadyCalls load = new SteadyCalls(4, 2, () -> {
                    if (idempotent.add(20, 22) != 42) {
                        throw new AssertionError("wrong sum");
                    }
                })) {
                    Poll.until(Duration.ofSeconds(10), "calls flowing", () -> load.ok() > 200);
                    victim.kill();
                    long killedAt = System.nanoTime();
                    ClientConnection dead = client.transportClient().connection("127.0.0.1", victim.port());
                    Poll.until(Duration.ofSeconds(2), "client notices the dead connection", () -> !dead.isAvailable());
                    // the registry still lists the victim, yet non-retried calls avoid it: it left the candidate set at once
                    assertTrue(exists(plain, victimNode), "ZooKeeper has not expired the victim's session yet");
                    for (int i = 0; i < 100; i++) {
                        assertEquals("hello " + i, failfast.hello(Integer.toString(i)));
                    }
                    assertTrue((System.nanoTime() - killedAt) / 1_000_000 < SESSION_MS, "checked before the session timeout");
                    int before = load.ok();
                    Poll.until(Duration.ofSeconds(10), "calls keep flowing after the kill", () -> load.ok() > before + 500);
                    Poll.until(Duration.ofSeconds(SESSION_MS / 1000 + 15), "victim's node removed after its session timeout",
                            () -> !exists(plain, victimNode));
                    load.close();
                    assertTrue(load.failures.isEmpty(), load.failureSummary());
                }
                assertEquals(2, children(plain, providersPath));
            } finally {
                for (ProviderProcess p : providers) {
                    p.close();
                }
            }
        }
    }

    private static int children(CuratorFramework c, String path) {
        try {
            return c.checkExists().forPath(path) == null ? 0 : c.getChildren().forPath(path).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean exists(CuratorFramework c, String path) {
        try {
            return c.checkExists().forPath(path) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
