package io.tern.rpc.cluster;

import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 6: a provider that refuses calls because it is full (SERVER_BUSY) sheds load to the others and is
 * never ejected; a fleet-wide overload ejects nobody. Real providers on loopback; a busy one has one business thread
 * and no queue, taken by a long call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OverloadIsNotFailureTest {
    /** A group per test: each service key has its own retry budget, which the fleet-wide overload spends. */
    final String group = "overload-not-failure-" + System.nanoTime();
    final InMemoryRegistry registry = new InMemoryRegistry();
    final TransportClient client = new TransportClient(ClientConfig.defaults());
    final List<TernServer> servers = new ArrayList<>();
    final List<CompletableFuture<String>> holds = new ArrayList<>();

    @AfterEach
    void stop() {
        holds.forEach(h -> h.cancel(true));
        client.close();
        servers.forEach(TernServer::close);
    }

    /** {@code full}: a provider with one business thread and no queue, that thread held, so it answers SERVER_BUSY. */
    TernServer provider(String name, boolean full) {
        ScenarioProvider impl = new ScenarioProvider(name);
        TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(full ? 1 : 8)
                .executorQueue(full ? 0 : 64).shutdownGrace(Duration.ofMillis(200)).build(),
                RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
        server.export(ServiceExport.of(ScenarioService.class, impl).group(group)).start();
        servers.add(server);
        registry.register(new ProviderInfo(Reference.to(ScenarioService.class).group(group).serviceKey(), "127.0.0.1", server.port(), 100,
                "protostuff", System.currentTimeMillis() - 60_000, "", group, Map.of()));
        if (full) {
            ScenarioService direct = Reference.to(ScenarioService.class).group(group).address("127.0.0.1:" + server.port())
                    .timeout(Duration.ofSeconds(30)).create(client);
            holds.add(CompletableFuture.supplyAsync(() -> direct.slowGet(20_000)));
            Poll.until(Duration.ofSeconds(5), name + "'s only business thread taken", () -> !impl.attachments.isEmpty());
        }
        return server;
    }

    @Test
    void busyProviderShedsItsCallsToTheOtherAndNobodyIsEjected() {
        TernServer free = provider("free", false);
        TernServer busy = provider("busy", true);
        Reference<ScenarioService> ref = Reference.to(ScenarioService.class).group(group).retries(2).warmup(Duration.ZERO);
        CountingBalancer counting = new CountingBalancer(new RandomLoadBalancer());
        try (Directory directory = new Directory(ref.serviceKey(), registry, client)) {
            ScenarioService s = ref.loadBalancer(counting).create(ref.callPath(directory), directory.describe());
            for (int i = 0; i < 300; i++) {
                assertEquals("free:" + i, s.get(i), "every call succeeds: a busy refusal is retried on the other provider");
            }
            int toBusy = counting.picksOf("127.0.0.1:" + busy.port());
            int toFree = counting.picksOf("127.0.0.1:" + free.port());
            System.out.printf("one provider busy: %d attempts went to it, %d to the free one, for 300 calls%n", toBusy, toFree);
            assertTrue(toBusy < 30, "calls shifted to the free provider: " + toBusy + " of " + (toBusy + toFree) + " attempts to the busy one");
            long now = System.nanoTime();
            for (Endpoint e : directory.all()) {
                assertFalse(e.isEjected(now), e + " was ejected; overload is not a failure");
            }
        }
    }

    @Test
    void fleetWideOverloadEjectsNoProvider() {
        provider("a", true);
        provider("b", true);
        Reference<ScenarioService> ref = Reference.to(ScenarioService.class).group(group).retries(2).warmup(Duration.ZERO);
        try (Directory directory = new Directory(ref.serviceKey(), registry, client)) {
            ScenarioService s = ref.create(ref.callPath(directory), directory.describe());
            int busy = 0;
            for (int i = 0; i < 200; i++) {
                try {
                    s.get(i);
                } catch (RpcException e) {
                    assertEquals(Status.SERVER_BUSY, e.status(), e.toString());
                    busy++;
                }
            }
            assertEquals(200, busy, "every provider is full: every call is refused");
            long now = System.nanoTime();
            for (Endpoint e : directory.all()) {
                assertFalse(e.isEjected(now), e + " was ejected: a fleet-wide overload must not eject half the fleet");
            }
        }
    }
}
