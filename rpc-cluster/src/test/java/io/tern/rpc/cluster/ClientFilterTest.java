package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.RpcContext;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Client filters on real connections: their order, that they see a call once whatever its retries, short-circuits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientFilterTest {

    public interface Trail {
        /** The call's {@code trail} attachment as the provider got it, and the attempt number. */
        String trail();
    }

    /** Appends {@code name} to the call's {@code trail} attachment. */
    static void mark(Invocation invocation, String name) {
        Map<String, String> a = invocation.request().attachments();
        String trail = a.get("trail");
        a.put("trail", trail == null ? name : trail + "," + name);
    }

    private static ClientFilter marking(String name) {
        return (invocation, next) -> {
            mark(invocation, name);
            return next.invoke(invocation);
        };
    }

    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger refuseFirst = new AtomicInteger();
    private TransportServer server;
    private TernClient client;

    @BeforeEach
    void start() {
        Trail impl = () -> {
            served.incrementAndGet();
            RpcContext c = RpcContext.current();
            return c.attachments().get("trail") + " attempt " + c.attachments().get("attempt");
        };
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        // refuses the first refuseFirst calls as SERVER_BUSY: refusals that never ran, so the client retries them
        server.filter((call, next) -> refuseFirst.getAndDecrement() > 0 ? call.reject(Status.SERVER_BUSY, "busy for the test") : next.invoke(call));
        server.export(ExportedService.of(Trail.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
        InMemoryRegistry registry = new InMemoryRegistry();
        registry.register(new ProviderInfo(Trail.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                System.currentTimeMillis() - 60_000, "", "", Map.of()));
        client = new TernClient(ClientConfig.defaults(), registry);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static Reference<Trail> reference() {
        return Reference.to(Trail.class).timeout(Duration.ofSeconds(3)).warmup(Duration.ZERO);
    }

    @Test
    void filtersRunDiscoveredThenTheClientsThenTheReferencesEachInOrder() {
        client.filter(marking("client-1")).filter(marking("client-2"));
        Trail trail = client.refer(reference().filter(marking("reference-1")).filter(marking("reference-2")));
        assertEquals("discovered,client-1,client-2,reference-1,reference-2 attempt 0", trail.trail());
    }

    @Test
    void aClientFilterAppliesToReferencesMadeAfterItIsAdded() {
        Trail before = client.refer(reference());
        client.filter(marking("client"));
        Trail after = client.refer(reference());
        assertEquals("discovered attempt 0", before.trail());
        assertEquals("discovered,client attempt 0", after.trail());
    }

    @Test
    void aFilterSeesACallOnceWhateverItsRetries() {
        AtomicInteger seen = new AtomicInteger();
        Trail trail = client.refer(reference().retries(2).filter((invocation, next) -> {
            seen.incrementAndGet();
            return next.invoke(invocation);
        }));
        refuseFirst.set(1);
        assertEquals("discovered attempt 1", trail.trail(), "the refused first attempt was retried below the filters");
        assertEquals(1, seen.get());
        assertEquals(1, served.get());
    }

    @Test
    void aReferenceToOneAddressRunsTheDiscoveredFiltersAndItsOwn() {
        Trail direct = reference().filter(marking("reference")).address("127.0.0.1:" + server.port()).create(client.transportClient());
        assertEquals("discovered,reference attempt 0", direct.trail());
    }

    @Test
    void aFilterCanAnswerWithoutSendingAnything() {
        try (TransportClient rpc = new TransportClient(ClientConfig.defaults())) {
            Trail cached = reference().address("127.0.0.1:" + server.port())
                    .filter((invocation, next) -> CompletableFuture.completedFuture(RpcResponse.ok("from cache")))
                    .create(rpc);
            assertEquals("from cache", cached.trail());
        }
        assertEquals(0, served.get());
    }
}
