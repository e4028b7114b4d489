package io.tern.rpc.cluster;

import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.internal.ClientConnection;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider processes failing under load (3 provider JVMs registered in a real ZooKeeper, about 200 calls/s of
 * 50 ms calls): SIGKILL with failfast loses only the calls in flight on the victim; SIGTERM loses nothing even
 * with failfast, because the provider unregisters, sends GOAWAY and drains. Each test prints its figures.
 */
class ProcessFaultsTest {
    TestingServer zk;
    final List<ProviderProcess> providers = new ArrayList<>();
    TernClient client;

    @BeforeEach
    void start() throws Exception {
        zk = ZooKeepers.server();
        String address = ZooKeepers.address(zk.getConnectString());
        for (int i = 0; i < 3; i++) {
            providers.add(ProviderProcess.start(address, 4_000));
        }
        client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(address));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        for (ProviderProcess p : providers) {
            p.close();
        }
        zk.close();
    }

    Greeter failfast() {
        Greeter g = client.refer(Reference.to(Greeter.class).cluster("failfast").timeout(Duration.ofSeconds(3)));
        Poll.until(Duration.ofSeconds(20), "3 providers connected", () -> {
            g.slow(1); // spread a few calls so every connection is up
            return providers.stream().allMatch(p -> client.transportClient().connection("127.0.0.1", p.port()).state() == ClientConnection.State.READY);
        });
        return g;
    }

    @Test
    void sigkillWithFailfastLosesOnlyTheCallsInFlightOnTheVictim() throws Exception {
        Greeter g = failfast();
        ProviderProcess victim = providers.get(1);
        ClientConnection toVictim = client.transportClient().connection("127.0.0.1", victim.port());
        try (SteadyCalls load = new SteadyCalls(20, 50, () -> g.slow(50))) {
            Poll.until(Duration.ofSeconds(10), "load running", () -> load.ok() > 300);
            Poll.until(Duration.ofSeconds(5), "calls in flight on the victim", () -> toVictim.pendingCalls() > 0);
            int inFlight = toVictim.pendingCalls();
            victim.kill();
            int before = load.ok();
            Poll.until(Duration.ofSeconds(10), "load continues on the survivors", () -> load.ok() > before + 600);
            load.close();
            System.out.printf("SIGKILL, failfast: %d calls ok, %d failed, %d were in flight on the victim at the kill%n",
                    load.ok(), load.failures.size(), inFlight);
            // the in-flight calls, plus at most a few sent in the instant before the client saw the connection drop
            assertTrue(load.failures.size() <= inFlight + 5, load.failureSummary() + " with " + inFlight + " in flight on the victim");
            for (Throwable f : load.failures) {
                assertTrue(f instanceof io.tern.rpc.RpcConnectionException, "only connection failures: " + f);
            }
        }
    }

    @Test
    void sigtermUnderLoadLosesNothingEvenWithFailfast() throws Exception {
        Greeter g = failfast();
        try (SteadyCalls load = new SteadyCalls(20, 50, () -> g.slow(50))) {
            Poll.until(Duration.ofSeconds(10), "load running", () -> load.ok() > 300);
            long start = System.nanoTime();
            providers.get(0).terminate();
            long drainMs = (System.nanoTime() - start) / 1_000_000;
            int before = load.ok();
            Poll.until(Duration.ofSeconds(10), "load continues", () -> load.ok() > before + 600);
            load.close();
            System.out.printf("SIGTERM, failfast: %d calls ok, %d failed; provider drained and exited in %d ms%n",
                    load.ok(), load.failures.size(), drainMs);
            assertTrue(load.failures.isEmpty(), load.failureSummary());
        }
    }
}
