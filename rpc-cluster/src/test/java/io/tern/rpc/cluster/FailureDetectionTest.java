package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.internal.ClientConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accrual failure detector against real providers on loopback (issue 12, "the seed's accrual failure
 * detection"): a provider that stops answering without closing its socket is avoided, then ejected, well before
 * the heartbeat's rule (3 missed intervals) would close its connection, and comes back once it answers PINGs; a
 * provider that slows down gradually becomes suspect once its calls time out and is never ejected; a slow but
 * answering provider is never ejected. The balancer is random, so the avoidance seen is the failure detector's and
 * not a latency estimate's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FailureDetectionTest {
    static final String GROUP = "failure-detection";
    static final Duration HEARTBEAT = Duration.ofSeconds(1); // the heartbeat's rule closes a silent connection after 3 s

    final InMemoryRegistry registry = new InMemoryRegistry();
    final TransportClient client = new TransportClient(ClientConfig.builder().heartbeatInterval(HEARTBEAT).build());
    final List<TernServer> servers = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        client.close();
        servers.forEach(TernServer::close);
    }

    TernServer server(ScenarioProvider impl) {
        TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200)).build(),
                RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
        server.export(ServiceExport.of(ScenarioService.class, impl).group(GROUP)).start();
        servers.add(server);
        return server;
    }

    void list(int port) {
        registry.register(new ProviderInfo(reference().serviceKey(), "127.0.0.1", port, 100, "protostuff",
                System.currentTimeMillis() - 60_000, "", GROUP, Map.of()));
    }

    static Reference<ScenarioService> reference() {
        return Reference.to(ScenarioService.class).group(GROUP).warmup(Duration.ZERO);
    }

    static Endpoint at(Directory d, int port) {
        return d.all().stream().filter(e -> e.info().port() == port).findFirst().orElseThrow();
    }

    static boolean candidate(CountingBalancer b, Endpoint e) {
        return b.lastCandidates.contains(e);
    }

    @Test
    void providerThatStopsAnsweringIsAvoidedAndEjectedBeforeTheHeartbeatRuleThenReadmittedByProbes() throws Exception {
        ScenarioProvider fastImpl = new ScenarioProvider("fast");
        ScenarioProvider slowImpl = new ScenarioProvider("slow"); // healthy but slow: every call takes 150 ms
        slowImpl.slowRatio = 1.0;
        slowImpl.slowMillis = 150;
        ScenarioProvider victimImpl = new ScenarioProvider("victim");
        TernServer fast = server(fastImpl);
        TernServer slow = server(slowImpl);
        TernServer victim = server(victimImpl);
        FaultyProxy link = new FaultyProxy(victim.port()); // the victim's link: it can stop forwarding, sockets kept open
        closeables.add(link);
        list(fast.port());
        list(slow.port());
        list(link.port());

        Reference<ScenarioService> ref = reference().timeout(Duration.ofSeconds(5)).retries(2);
        CountingBalancer balancer = new CountingBalancer(new RandomLoadBalancer());
        try (Directory directory = new Directory(ref.serviceKey(), registry, client)) {
            ScenarioService s = ref.loadBalancer(balancer).create(ref.callPath(directory), directory.describe());
            Endpoint victimEndpoint = at(directory, link.port());
            Endpoint slowEndpoint = at(directory, slow.port());
            ClientConnection victimConnection = victimEndpoint.connection();
            try (SteadyCalls load = new SteadyCalls(6, 2, () -> s.get(1))) {
                Poll.until(Duration.ofSeconds(20), "calls flowing to every provider",
                        () -> fastImpl.gets.get() > 50 && slowImpl.gets.get() > 10 && victimImpl.gets.get() > 50);
                assertTrue(candidate(balancer, victimEndpoint), "the victim is a candidate while it answers");

                link.mode(FaultyProxy.Mode.BLACKHOLE); // the process hangs, or the network drops everything: no FIN, no RST
                long silentAt = System.nanoTime();
                AtomicLong avoidedAt = new AtomicLong();
                Poll.until(Duration.ofSeconds(6), "the victim dropped from the candidates", () -> {
                    assertFalse(slowEndpoint.isEjected(System.nanoTime()), "the slow provider was ejected");
                    // the directory's candidate list, not the balancer's last pick: once every caller is stuck in a
                    // call to the silent provider, no pick happens until those calls end
                    if (!directory.candidates().contains(victimEndpoint)) {
                        avoidedAt.set(System.nanoTime());
                        return true;
                    }
                    return false;
                });
                ClientConnection.State stateWhenAvoided = victimConnection.state();
                long avoidedMs = (avoidedAt.get() - silentAt) / 1_000_000;
                Poll.until(Duration.ofSeconds(6), "the victim ejected", () -> victimEndpoint.isEjected(System.nanoTime()));
                ClientConnection.State stateWhenEjected = victimConnection.state();
                long ejectedMs = (System.nanoTime() - silentAt) / 1_000_000;
                System.out.printf("silent provider: avoided after %d ms, ejected after %d ms; the heartbeat's rule closes its connection after %d ms%n",
                        avoidedMs, ejectedMs, 3 * HEARTBEAT.toMillis());
                assertEquals(ClientConnection.State.READY, stateWhenAvoided, "avoided before the heartbeat's rule acted");
                assertTrue(avoidedMs < HEARTBEAT.toMillis() * 3 / 2, "avoided after " + avoidedMs + " ms, not within half the heartbeat's 3 intervals");
                assertEquals(ClientConnection.State.READY, stateWhenEjected, "ejected while its connection was still open");

                // the heartbeat's rule remains the backstop: the silent connection is closed after 3 intervals
                Poll.until(Duration.ofSeconds(10), "the silent connection closed", () -> victimConnection.state() != ClientConnection.State.READY);
                long stillSilentUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                Poll.until(Duration.ofSeconds(10), "two more seconds of silence", () -> {
                    assertTrue(victimEndpoint.isEjected(System.nanoTime()), "no timer re-admits a provider that does not answer PINGs");
                    return System.nanoTime() - stillSilentUntil > 0;
                });

                link.mode(FaultyProxy.Mode.PASS); // it recovers
                long healedAt = System.nanoTime();
                Poll.until(Duration.ofSeconds(10), "the victim re-admitted", () -> !victimEndpoint.isEjected(System.nanoTime())
                        && !victimEndpoint.isSuspect());
                long readmittedMs = (System.nanoTime() - healedAt) / 1_000_000;
                int before = victimImpl.gets.get();
                Poll.until(Duration.ofSeconds(10), "calls reach the victim again", () -> victimImpl.gets.get() > before + 20);
                System.out.printf("silent provider: re-admitted %d ms after it answered again%n", readmittedMs);
                assertFalse(slowEndpoint.isEjected(System.nanoTime()), "a slow but answering provider is never ejected");
                assertEquals(0, slowEndpoint.ejections);
                assertTrue(load.failures.isEmpty(), "calls caught on the silent link were retried elsewhere when it closed: " + load.failureSummary());
            } finally {
                link.mode(FaultyProxy.Mode.PASS);
            }
        }
    }

    @Test
    void providerThatSlowsDownGraduallyBecomesSuspectOnceItsCallsTimeOutAndIsNeverEjected() throws Exception {
        ScenarioProvider steadyImpl = new ScenarioProvider("steady");
        ScenarioProvider slowingImpl = new ScenarioProvider("slowing");
        slowingImpl.slowRatio = 1.0;
        TernServer steady = server(steadyImpl);
        TernServer slowing = server(slowingImpl);
        list(steady.port());
        list(slowing.port());

        Reference<ScenarioService> ref = reference().timeout(Duration.ofMillis(300)).retries(2);
        CountingBalancer balancer = new CountingBalancer(new RandomLoadBalancer());
        try (Directory directory = new Directory(ref.serviceKey(), registry, client)) {
            ScenarioService s = ref.loadBalancer(balancer).create(ref.callPath(directory), directory.describe());
            Endpoint slowingEndpoint = at(directory, slowing.port());
            try (SteadyCalls load = new SteadyCalls(4, 5, () -> s.get(1))) {
                Poll.until(Duration.ofSeconds(20), "calls flowing to both", () -> steadyImpl.gets.get() > 20 && slowingImpl.gets.get() > 20);
                AtomicLong suspectAtMillis = new AtomicLong(-1);
                long start = System.nanoTime();
                // its answers take 10 ms longer every 50 ms: past the 300 ms deadline after 1.5 s
                Poll.until(Duration.ofSeconds(15), "the slowing provider suspect", () -> {
                    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                    slowingImpl.slowMillis = Math.min(600, elapsedMs / 5);
                    assertFalse(slowingEndpoint.isEjected(System.nanoTime()), "the slowing provider was ejected at " + slowingImpl.slowMillis + " ms");
                    if (slowingEndpoint.isSuspect() && !directory.candidates().contains(slowingEndpoint)) {
                        suspectAtMillis.set(slowingImpl.slowMillis);
                        return true;
                    }
                    return false;
                });
                System.out.printf("slowing provider: suspect and avoided when its answers took %d ms (deadline 300 ms)%n", suspectAtMillis.get());
                assertTrue(suspectAtMillis.get() >= 250, "suspect only once its calls approached or passed the deadline: at "
                        + suspectAtMillis.get() + " ms");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                Poll.until(Duration.ofSeconds(10), "three seconds at 600 ms per answer", () -> {
                    slowingImpl.slowMillis = 600;
                    assertFalse(slowingEndpoint.isEjected(System.nanoTime()), "a slow provider that answers PINGs is never ejected");
                    return System.nanoTime() - until > 0;
                });
                assertEquals(ClientConnection.State.READY, slowingEndpoint.connection().state(), "and its connection stays up");
            }
        }
    }
}
