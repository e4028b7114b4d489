package io.tern.rpc.cluster;

import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.testsupport.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster layer against three real providers on loopback (direct registry): balancing around a slow
 * provider, backup requests, the retry budget, retry safety, shared deadlines, outlier ejection, retry marking.
 */
class ClusterScenarioTest {
    static final List<String> GROUPS = List.of("p2c", "rr", "backup", "nobackup", "storm", "timeout", "deadline", "eject", "relay", "onward");
    static final List<ScenarioProvider> impls = new ArrayList<>();
    static final List<TernServer> servers = new ArrayList<>();
    static TernClient client;

    @BeforeAll
    static void start() {
        StringBuilder direct = new StringBuilder("direct://");
        for (String name : List.of("a", "b", "c")) {
            ScenarioProvider impl = new ScenarioProvider(name);
            TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(32).build(),
                    RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
            for (String g : GROUPS) {
                server.export(ServiceExport.of(ScenarioService.class, impl).group(g));
            }
            server.start();
            impls.add(impl);
            servers.add(server);
            direct.append(direct.length() > 9 ? "," : "").append("127.0.0.1:").append(server.port());
        }
        client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(direct.toString()));
    }

    @AfterAll
    static void stop() {
        client.close();
        servers.forEach(TernServer::close);
    }

    @BeforeEach
    void reset() {
        for (ScenarioProvider p : impls) {
            p.slowRatio = 0;
            p.slowMillis = 0;
            p.writeMillis = 0;
            p.gets.set(0);
            p.attachments.clear();
        }
    }

    static Reference<ScenarioService> ref(String group) {
        return Reference.to(ScenarioService.class).group(group).timeout(Duration.ofSeconds(5)).warmup(Duration.ZERO);
    }

    /** Runs {@code calls} gets from {@code threads} threads and returns their latencies in microseconds, sorted. */
    static long[] closedLoop(ScenarioService s, int threads, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parts.add(pool.submit(() -> {
                long[] lat = new long[calls / threads];
                for (int i = 0; i < lat.length; i++) {
                    long start = System.nanoTime();
                    s.get(i);
                    lat[i] = (System.nanoTime() - start) / 1000;
                }
                return lat;
            }));
        }
        long[] all = new long[0];
        for (Future<long[]> f : parts) {
            long[] p = f.get(2, TimeUnit.MINUTES);
            long[] merged = Arrays.copyOf(all, all.length + p.length);
            System.arraycopy(p, 0, merged, all.length, p.length);
            all = merged;
        }
        pool.shutdown();
        Arrays.sort(all);
        return all;
    }

    static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    @Test
    void p2cKeepsTheSlowProvidersShareLowWhereRoundRobinCannot() throws Exception {
        ScenarioProvider slow = impls.get(2);
        slow.slowRatio = 0.05;
        slow.slowMillis = 200;
        closedLoop(client.refer(ref("p2c").loadBalance("p2c")), 8, 3000);
        double p2cShare = slow.gets.get() / 3000.0;
        slow.gets.set(0);
        closedLoop(client.refer(ref("rr").loadBalance("round-robin")), 8, 1500);
        double rrShare = slow.gets.get() / 1500.0;
        assertTrue(Math.abs(rrShare - 1 / 3.0) < 0.02, "round-robin gives the slow provider its third: " + rrShare);
        assertTrue(p2cShare < 0.2, "p2c share of the slow provider " + p2cShare + " (round-robin: " + rrShare + ")");
    }

    @Test
    void backupRequestsBringTheTailDownForAFewPercentExtraRequests() throws Exception {
        for (ScenarioProvider p : impls) {
            p.slowRatio = 0.05;
            p.slowMillis = 200;
        }
        long[] without = closedLoop(client.refer(ref("nobackup").loadBalance("round-robin")), 8, 1200);
        CountingBalancer counting = new CountingBalancer(new SmoothWeightedRoundRobin(0));
        long[] with = closedLoop(client.refer(ref("backup").loadBalancer(counting).backupRequest("30ms")), 8, 1200);
        int pending = 0;
        for (TernServer server : servers) {
            pending += client.transportClient().connection("127.0.0.1", server.port()).pendingCalls();
        }
        assertEquals(0, pending, "the losing attempt of each backup pair was cancelled, not left waiting for its slow answer");
        double extra = (counting.selections.get() - 1200) / 1200.0;
        long p99Without = percentile(without, 99);
        long p99With = percentile(with, 99);
        assertTrue(p99Without >= 150_000, "without backups the slow 5% set p99: " + p99Without + " us");
        assertTrue(p99With < 120_000, "with 30 ms backups p99 is " + p99With + " us (without: " + p99Without + " us)");
        assertTrue(extra < 0.15, "extra requests " + extra);
    }

    @Test
    void whenEveryProviderFailsTotalAttemptsStayWithinTheBudget() {
        CountingBalancer counting = new CountingBalancer(new RandomLoadBalancer());
        // version 9 is exported nowhere: every provider answers SERVICE_NOT_FOUND, a never-ran failure, always retryable
        ScenarioService s = client.refer(Reference.to(ScenarioService.class).group("storm").version("9").retries(2)
                .loadBalancer(counting).retryBudget(0.1, 10));
        int calls = 3000;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            assertThrows(RpcException.class, () -> s.get(1));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int attempts = counting.selections.get();
        double allowed = calls * 1.1 + 10 + 10 * seconds;
        assertTrue(attempts <= allowed, attempts + " attempts for " + calls + " calls; budget allows " + allowed);
        assertTrue(attempts < calls * 1.5, "no retry storm: " + attempts + " attempts (without a budget: " + calls * 3 + ")");
    }

    @Test
    void nonIdempotentCallIsNeverRetriedAfterATimeout() {
        for (ScenarioProvider p : impls) {
            p.writeMillis = 400;
            p.writesStarted.set(0);
            p.writesFinished.set(0);
        }
        ScenarioService s = client.refer(ref("timeout").timeout(Duration.ofMillis(150)).retries(2));
        assertThrows(RpcTimeoutException.class, () -> s.write(7));
        Poll.until(Duration.ofSeconds(5), "the one write finishes on its provider",
                () -> impls.stream().mapToInt(p -> p.writesFinished.get()).sum() == 1);
        assertEquals(1, impls.stream().mapToInt(p -> p.writesStarted.get()).sum(), "the write ran exactly once");
    }

    @Test
    void retriesAndBackupsNeverExtendTheDeadline() {
        ScenarioService s = client.refer(ref("deadline").timeout(Duration.ofMillis(300)).retries(5).backupRequest("50ms"));
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertThrows(RpcTimeoutException.class, () -> s.slowGet(1000));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 290 && ms < 450, "a 300 ms deadline ended after " + ms + " ms");
        }
    }

    @Test
    void aBusyProviderIsAvoidedNotEjectedAndCallsStillSucceed() throws Exception {
        // provider c is fully booked: one business thread, no queue, held by a long call -> SERVER_BUSY
        TernServer busy = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(1).executorQueue(0).build(),
                RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
        ScenarioProvider busyImpl = new ScenarioProvider("busy");
        busy.export(ServiceExport.of(ScenarioService.class, busyImpl).group("eject")).start();
        try (TernClient local = new TernClient(ClientConfig.defaults(), RegistryConfig.of("direct://127.0.0.1:" + servers.get(0).port()
                + ",127.0.0.1:" + servers.get(1).port() + ",127.0.0.1:" + busy.port()))) {
            ScenarioService hog = local.refer(Reference.to(ScenarioService.class).group("eject").timeout(Duration.ofSeconds(20))
                    .loadBalancer((c, i) -> c.stream().filter(e -> e.address().endsWith(":" + busy.port())).findFirst().orElseThrow()));
            CompletableFuture<String> holding = CompletableFuture.supplyAsync(() -> hog.slowGet(2_000));
            Poll.until(Duration.ofSeconds(5), "busy provider's only thread taken", () -> !busyImpl.attachments.isEmpty());

            CountingBalancer counting = new CountingBalancer(new RandomLoadBalancer());
            ScenarioService s = local.refer(Reference.to(ScenarioService.class).group("eject").loadBalancer(counting).retries(2));
            for (int i = 0; i < 300; i++) {
                assertTrue(s.get(i).endsWith(":" + i), "every call succeeds (busy refusals are retried elsewhere)");
            }
            int toBusy = counting.picksOf("127.0.0.1:" + busy.port());
            assertTrue(toBusy < 30, "the busy provider is avoided while it refuses: " + toBusy + " of " + counting.selections.get() + " attempts");
            long retried = impls.get(0).attempts(1) + impls.get(1).attempts(1);
            assertTrue(retried > 0, "retries carry their attempt number");
            assertEquals("busy slept 2000", holding.get(10, TimeUnit.SECONDS));
            // overload is not a failure: it was never ejected, so it gets calls again as soon as it has room
            Poll.until(Duration.ofSeconds(3), "calls reach the provider that is no longer busy", () -> {
                s.get(0);
                return busyImpl.gets.get() > 0;
            });
        } finally {
            busy.close();
        }
    }

    @Test
    void aProviderCallingOnwardPassesTheRemainingDeadlineAndTheNoRetryMark() {
        ScenarioService onward = client.refer(ref("onward").timeout(Duration.ofSeconds(10)));
        for (ScenarioProvider p : impls) {
            p.onward = onward;
        }
        ScenarioService s = client.refer(ref("relay").timeout(Duration.ofMillis(300)));
        long start = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, () -> s.relay(2_000));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 600, "the chain ended with the first caller's deadline, after " + ms + " ms: " + e);
        List<java.util.Map<String, String>> seen = new ArrayList<>();
        impls.forEach(p -> seen.addAll(p.attachments));
        assertTrue(!seen.isEmpty(), "the onward call reached a provider");
        for (java.util.Map<String, String> a : seen) {
            assertEquals("1", a.get(RpcRequest.NO_RETRY), "onward calls carry the no-retry mark");
            assertTrue(Long.parseLong(a.get(RpcRequest.DEADLINE_MS)) <= 300, "onward deadline " + a.get(RpcRequest.DEADLINE_MS) + " ms");
        }
        assertEquals(1, seen.size(), "only the first layer retries: the onward call was tried once");
    }

    @Test
    void timeoutExceptionTypeIsTheFrameworks() {
        ScenarioService s = client.refer(ref("timeout").timeout(Duration.ofMillis(100)));
        RpcException e = assertThrows(RpcException.class, () -> s.slowGet(500));
        assertInstanceOf(RpcTimeoutException.class, e);
    }
}
