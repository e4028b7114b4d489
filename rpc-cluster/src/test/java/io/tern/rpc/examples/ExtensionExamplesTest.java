package io.tern.rpc.examples;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.RpcContext;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.tern.rpc.RpcStatusException;
import io.tern.rpc.protocol.Status;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension examples of docs/architecture.md, compiled and run here through the public API only, as a third
 * party would: a registry plugged in by its scheme, a balancer chosen by its name, a client filter per client and per
 * reference, a server filter.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExtensionExamplesTest {

    /** The service of the examples: answers with the caller's tenant and the port that served it. */
    public interface Whoami {
        String whoami();
    }

    private static TernServer provider(String registry) {
        TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200)).build(),
                RegistryConfig.of(registry), "127.0.0.1");
        int[] port = new int[1];
        server.filter(new TenantCheck(Set.of("acme")));
        server.export(ServiceExport.of(Whoami.class, () -> RpcContext.current().attachments().get("tenant") + "@" + port[0])).start();
        port[0] = server.port();
        return server;
    }

    @Test
    void aRegistryByItsSchemeABalancerByItsNameAndAClientFilter() {
        String registry = "inprocess://examples";
        try (TernServer a = provider(registry); TernServer b = provider(registry);
             TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(registry))) {
            TenantFilter tenant = new TenantFilter(() -> "acme");
            client.filter(tenant);
            Whoami whoami = client.refer(Reference.to(Whoami.class).loadBalance("first-listed").timeout(Duration.ofSeconds(3)));
            String first = "127.0.0.1:" + a.port();
            String second = "127.0.0.1:" + b.port();
            int expectedPort = first.compareTo(second) < 0 ? a.port() : b.port();
            for (int i = 0; i < 20; i++) {
                assertEquals("acme@" + expectedPort, whoami.whoami(), "the filter's tenant, served by the lowest address");
            }
            assertEquals(0, tenant.failures.get());

            TenantFilter stranger = new TenantFilter(() -> "globex");
            Whoami refused = client.refer(Reference.to(Whoami.class).filter(stranger).timeout(Duration.ofSeconds(3)));
            RpcStatusException e = assertThrows(RpcStatusException.class, refused::whoami);
            assertEquals(Status.BAD_REQUEST, e.status());
            assertTrue(e.getMessage().contains("unknown tenant 'globex' calling whoami"), e.getMessage());
            // the filter's callback runs on the I/O thread, possibly after the caller has its answer
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (stranger.failures.get() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // poll every millisecond
            }
            assertEquals(1, stranger.failures.get());
        }
    }
}
