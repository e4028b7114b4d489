package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A provider and a consumer over one {@link io.tern.rpc.registry.Registry} instance made by the application (here an
 * in-memory one): the provider registers in it, the consumer finds the provider through it, and closing either
 * leaves the registry open for the other.
 */
class GivenRegistryTest {

    static TernServer provider(InMemoryRegistry registry, GreeterImpl impl) {
        TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(500)).build(),
                registry, "127.0.0.1");
        server.export(ServiceExport.of(Greeter.class, impl)).start();
        return server;
    }

    @Test
    void aGivenRegistryCarriesCallsAndOutlivesTheServerThatUsedIt() {
        InMemoryRegistry registry = new InMemoryRegistry();
        GreeterImpl firstImpl = new GreeterImpl();
        GreeterImpl secondImpl = new GreeterImpl();
        TernServer first = provider(registry, firstImpl);
        TernServer second = null;
        try (TernClient client = new TernClient(ClientConfig.defaults(), registry)) {
            assertSame(registry, first.registry());
            Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(3)).retries(0));
            assertEquals("hello a", greeter.hello("a"));
            assertEquals(1, firstImpl.calls.get());

            first.close();
            AtomicReference<List<ProviderInfo>> listed = new AtomicReference<>();
            registry.subscribe(Greeter.class.getName(), listed::set).close();
            assertEquals(List.of(), listed.get(), "the closed server unregistered itself");

            // the registry is still open: the client's subscription, made before, hears of a new provider at once
            second = provider(registry, secondImpl);
            assertEquals("hello b", greeter.hello("b"));
            assertEquals(1, secondImpl.calls.get());
            assertEquals(1, firstImpl.calls.get());
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void closeWithdrawsEveryServiceInOneCallWhileStillServing() {
        // a provider of many services: consumers should see them all go at once, and before it stops accepting
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<TernServer> server = new AtomicReference<>();
        InMemoryRegistry registry = new InMemoryRegistry() {
            @Override
            public synchronized void unregister(ProviderInfo provider) {
                seen.add("unregister " + provider.serviceKey());
                super.unregister(provider);
            }

            @Override
            public synchronized void unregisterAll(java.util.Collection<ProviderInfo> providers) {
                seen.add("unregisterAll " + providers.size() + (server.get().isServing() ? " while serving" : " after serving"));
                for (ProviderInfo p : providers) {
                    super.unregister(p);
                }
            }
        };
        TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(500)).build(),
                registry, "127.0.0.1");
        server.set(s);
        for (int i = 0; i < 20; i++) {
            s.export(ServiceExport.of(Greeter.class, new GreeterImpl()).version("1." + i));
        }
        s.start();
        s.close();
        assertEquals(List.of("unregisterAll 20 while serving"), seen);
        AtomicReference<List<ProviderInfo>> listed = new AtomicReference<>();
        registry.subscribe(Greeter.class.getName() + ":1.7", listed::set).close();
        assertEquals(List.of(), listed.get(), "the closed server unregistered itself");
    }
}
