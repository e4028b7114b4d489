package io.tern.rpc.cluster;

import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link TernServer#offline()} / {@link TernServer#online()} under steady load through a real ZooKeeper (SPEC §4):
 * no call fails through offline, 10 s out and online; the provider's traffic stops once the consumer's registry watch
 * fires and comes back after online; the views say so on both sides.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OfflineOnlineTest {
    private TestingServer zk;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = ZooKeepers.server();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        zk.close();
    }

    private RegistryConfig registry() {
        return RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(10));
    }

    private TernServer provider(GreeterImpl impl) {
        TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).build(), registry(), "127.0.0.1");
        closeables.add(s);
        return s.export(ServiceExport.of(Greeter.class, impl)).start();
    }

    @Test
    void offlineTenSecondsThenOnlineUnderLoadLosesNoCall() throws Exception {
        GreeterImpl a = new GreeterImpl();
        GreeterImpl b = new GreeterImpl();
        TernServer serverA = provider(a);
        provider(b);
        TernClient client = new TernClient(ClientConfig.defaults(), registry());
        closeables.add(client);
        // random balancing: this test is about who is listed, and p2c would (rightly) favour the faster provider
        Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(5)).loadBalance("random"));
        String addressA = "127.0.0.1:" + serverA.port();

        try (SteadyCalls load = new SteadyCalls(4, 2, () -> greeter.hello("x"));
             SteadyCalls slow = new SteadyCalls(2, 1, () -> greeter.slow(100))) { // calls in flight at the moment of offline
            Poll.until(Duration.ofSeconds(10), "both providers take calls", () -> a.calls.get() > 50 && b.calls.get() > 50);

            serverA.offline();
            assertFalse(serverA.isOnline());
            assertFalse(serverA.view().online());
            assertTrue(serverA.view().serving(), "offline is not stopped: " + serverA.view());
            int stoppedAt = quietFrom(a.calls, Duration.ofSeconds(10), "A's traffic stops after the registry watch fires");
            assertTrue(client.views().get(0).providers().stream().noneMatch(p -> p.address().equals(addressA) && !p.state().equals("lingering")),
                    "A is no longer a listed provider: " + client.views());

            // out for 10 s: not one call reaches A, every call succeeds on B
            int bBefore = b.calls.get();
            long outUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < outUntil) {
                if (a.calls.get() != stoppedAt) {
                    fail("a call reached A while offline: " + a.calls.get() + " > " + stoppedAt);
                }
                Thread.onSpinWait();
                Thread.sleep(20); // pacing the check of a condition that must hold for the whole period
            }
            assertTrue(b.calls.get() > bBefore + 100, "B took the load: " + (b.calls.get() - bBefore) + " calls");

            serverA.online();
            assertTrue(serverA.isOnline());
            Poll.until(Duration.ofSeconds(15), "A takes calls again after online", () -> a.calls.get() > stoppedAt + 50);
            Poll.until(Duration.ofSeconds(5), "the consumer lists A as connected",
                    () -> client.views().get(0).providers().stream().anyMatch(p -> p.address().equals(addressA) && p.state().equals("connected")));

            load.close();
            slow.close();
            assertTrue(load.failures.isEmpty(), load.failureSummary());
            assertTrue(slow.failures.isEmpty(), "slow calls: " + slow.failureSummary());
            assertTrue(load.ok() > 1000 && slow.ok() > 50, "steady load ran: " + load.ok() + " + " + slow.ok() + " calls");
        }
    }

    @Test
    void viewsDescribeBothSides() throws Exception {
        TernServer server = provider(new GreeterImpl());
        TernClient client = new TernClient(ClientConfig.defaults(), registry());
        closeables.add(client);
        Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(5)).retries(1));
        assertEquals("hello v", greeter.hello("v"));

        ServerView sv = server.view();
        assertEquals("127.0.0.1:" + server.port(), sv.address());
        assertTrue(sv.serving() && sv.online(), sv.toString());
        assertEquals(List.of(Greeter.class.getName()), sv.services());
        assertEquals("CONNECTED", sv.registry());
        assertEquals(1, sv.connections(), sv.toString());
        assertEquals(0, sv.serverBusy());

        ReferenceView rv = client.views().get(0);
        assertEquals(Greeter.class.getName(), rv.serviceKey());
        assertTrue(rv.settings().contains("retries=1"), rv.settings());
        assertEquals(1, rv.providers().size(), rv.toString());
        ProviderView p = rv.providers().get(0);
        assertEquals("127.0.0.1:" + server.port(), p.address());
        assertEquals("connected", p.state());
        assertTrue(p.connected() && p.weight() == 100 && p.inFlight() == 0 && p.ewmaMillis() > 0 && p.ejectedUntilMillis() == 0 && p.sent() == 1, p.toString());
        assertTrue(rv.calls() >= 1 && rv.retriesSent() == 0 && rv.backupsSent() == 0, rv.toString());
        assertTrue(rv.retryBudgetLevel() > 0, rv.toString());
    }

    /** Waits until the counter stops moving for half a second; returns where it stopped. */
    private static int quietFrom(AtomicInteger counter, Duration within, String what) {
        int[] last = {counter.get()};
        long[] since = {System.nanoTime()};
        Poll.until(within, what, () -> {
            int now = counter.get();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] >= TimeUnit.MILLISECONDS.toNanos(500);
        });
        return last[0];
    }
}
