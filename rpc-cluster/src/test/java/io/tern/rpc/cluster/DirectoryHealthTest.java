package io.tern.rpc.cluster;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the directory turns call outcomes into provider state, on providers that accept connections and never answer
 * (no call is sent to them; the outcomes are fed in directly): what counts toward ejection, overload steering, and
 * state that survives a change of the provider's registry data (issue 12, defect 6).
 */
class DirectoryHealthTest {
    static final String SERVICE = "svc.Health";
    final TransportClient client = new TransportClient(ClientConfig.builder().ioThreads(1).reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build());
    final InMemoryRegistry registry = new InMemoryRegistry();
    final NetworkFaultsTest.BlackHole one;
    final NetworkFaultsTest.BlackHole two;

    DirectoryHealthTest() throws Exception {
        one = new NetworkFaultsTest.BlackHole();
        two = new NetworkFaultsTest.BlackHole();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        one.close();
        two.close();
    }

    void registerBoth() {
        registry.register(provider(one.port(), 100));
        registry.register(provider(two.port(), 100));
    }

    static ProviderInfo provider(int port, int weight) {
        return new ProviderInfo(SERVICE, "127.0.0.1", port, weight, "protostuff", 1_000L, "", "", Map.of());
    }

    static Endpoint at(Directory d, int port) {
        return d.all().stream().filter(e -> e.info().port() == port).findFirst().orElseThrow();
    }

    static void failTimes(Directory d, Endpoint e, int n, Throwable failure, RpcResponse response) {
        for (int i = 0; i < n; i++) {
            d.record(e, failure, response);
        }
    }

    @Test
    void providerKeepsItsEjectionAndLatencyWhenItsRegistryDataChanges() {
        registerBoth();
        try (Directory d = new Directory(SERVICE, registry, client)) {
            Endpoint first = at(d, one.port());
            first.started();
            first.finished(200_000_000L); // one 200 ms answer
            failTimes(d, first, 5, new RpcConnectionException("connection dropped", true, null), null);
            long now = System.nanoTime();
            assertTrue(first.isEjected(now), "five failures in a row eject it");

            registry.register(provider(one.port(), 300)); // its weight changes in the registry (a new data version of its node)
            Endpoint changed = at(d, one.port());
            assertEquals(300, changed.weight(), "the new weight applies");
            assertSame(first, changed, "the same provider, the same state");
            assertTrue(changed.isEjected(System.nanoTime()), "still ejected after its registry data changed");
            assertTrue(changed.ewmaNanos() > 100_000_000L, "its latency estimate is kept: " + changed.ewmaNanos());
            assertEquals(1, changed.ejections, "and its record of ejections");
        }
    }

    @Test
    void overloadAndTimeoutsNeverEject() {
        registerBoth();
        try (Directory d = new Directory(SERVICE, registry, client)) {
            Endpoint e = at(d, one.port());
            failTimes(d, e, 50, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            failTimes(d, e, 50, null, RpcResponse.status(Status.DEADLINE_EXCEEDED, "deadline passed in the queue"));
            failTimes(d, e, 50, new RpcException(Status.SERVER_BUSY, "too many calls in flight on this connection", false), null);
            failTimes(d, e, 50, new RpcTimeoutException("timed out"), null);
            failTimes(d, e, 50, new RpcException(Status.INTERNAL_ERROR, "cannot encode the arguments", false), null);
            assertFalse(e.isEjected(System.nanoTime()), "overload, timeouts and calls never sent are not outlier failures");
            assertEquals(0, e.ejections);
            failTimes(d, e, 5, null, RpcResponse.status(Status.INTERNAL_ERROR, "the framework failed"));
            assertTrue(e.isEjected(System.nanoTime()), "INTERNAL_ERROR answers are");
        }
    }

    @Test
    void busyProviderIsAvoidedForAMomentWhileAnotherWillDo() {
        registerBoth();
        try (Directory d = new Directory(SERVICE, registry, client)) {
            Endpoint busy = at(d, one.port());
            Endpoint other = at(d, two.port());
            io.tern.rpc.testsupport.Poll.until(Duration.ofSeconds(5), "both connected", () -> busy.connection().state()
                    == io.tern.rpc.transport.internal.ClientConnection.State.READY && other.connection().state() == io.tern.rpc.transport.internal.ClientConnection.State.READY);
            assertEquals(d.all(), d.candidates(), "nobody busy: every provider is a candidate");
            d.record(busy, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            assertEquals(List.of(other), d.candidates(), "the busy one is skipped");
            d.record(other, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            assertEquals(d.all(), d.candidates(), "all busy: all are candidates again");
            long until = System.nanoTime() + 2 * Endpoint.BUSY_PENALTY_NANOS;
            while (busy.isBusy(System.nanoTime()) && System.nanoTime() < until) {
                Thread.onSpinWait(); // the 50 ms penalty of a first refusal running out
            }
            assertFalse(busy.isBusy(System.nanoTime()), "a single refusal is forgotten after " + Endpoint.BUSY_PENALTY_NANOS / 1_000_000 + " ms");
            d.record(busy, null, RpcResponse.ok("fine"));
            d.record(busy, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            d.record(busy, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            d.record(busy, null, RpcResponse.status(Status.SERVER_BUSY, "executor full"));
            assertTrue(busy.isBusy(System.nanoTime() + 3 * Endpoint.BUSY_PENALTY_NANOS), "refusals in a row lengthen the penalty");
        }
    }
}
