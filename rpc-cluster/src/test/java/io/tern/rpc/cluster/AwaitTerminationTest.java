package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TernServer#awaitTermination()} and {@link TernServer#closeOnShutdown()} on real servers in a real ZooKeeper:
 * the wait ends when the server is closed from elsewhere; the shutdown hook's action (run here in place, the JVM
 * stays up) unregisters, lets an in-flight call finish, closes, and removes itself. {@link ShutdownProcessTest}
 * sends a real SIGTERM to a provider process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AwaitTerminationTest {
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
        return RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(30));
    }

    private TernServer provider(GreeterImpl impl) {
        TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofSeconds(10)).build(),
                registry(), "127.0.0.1");
        closeables.add(s);
        return s.export(ServiceExport.of(Greeter.class, impl));
    }

    /** The providers of Greeter as the registry lists them now, kept up to date by a watch. */
    private AtomicReference<List<ProviderInfo>> listed() {
        Registry r = Registries.create(registry());
        closeables.add(r::close);
        AtomicReference<List<ProviderInfo>> listed = new AtomicReference<>(List.of());
        closeables.add(r.subscribe(ServiceExport.of(Greeter.class, new GreeterImpl()).serviceKey(), listed::set)::close);
        return listed;
    }

    @Test
    void awaitTerminationReturnsOnceAnotherThreadClosesTheServer() throws Exception {
        TernServer server = provider(new GreeterImpl()).start();
        CompletableFuture<Boolean> servingAfterWait = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                server.awaitTermination();
                servingAfterWait.complete(server.isServing());
            } catch (Throwable t) {
                servingAfterWait.completeExceptionally(t);
            }
        }, "await-termination");
        waiter.start();
        assertFalse(servingAfterWait.isDone() || server.awaitTermination(Duration.ofMillis(300)), "still waiting while the server runs");
        assertTrue(waiter.isAlive());

        CompletableFuture.runAsync(server::close).get(30, TimeUnit.SECONDS);

        assertFalse(servingAfterWait.get(10, TimeUnit.SECONDS), "the wait ends after close, when the server no longer serves");
        waiter.join(10_000);
        assertFalse(waiter.isAlive());
        assertTrue(server.isTerminated());
    }

    @Test
    void timedAwaitTerminationIsFalseWhileServingAndTrueOnceClosed() throws Exception {
        TernServer server = provider(new GreeterImpl()).start();
        long started = System.nanoTime();
        assertFalse(server.awaitTermination(Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(200), "waited the whole timeout");
        assertFalse(server.isTerminated());

        server.close();

        assertTrue(server.awaitTermination(Duration.ZERO), "closed: returns at once");
        assertTrue(server.awaitTermination(Duration.ofSeconds(1)));
        server.awaitTermination(); // returns too
    }

    @Test
    void shutdownHookUnregistersDrainsAnInFlightCallClosesAndRemovesItself() throws Exception {
        AtomicReference<List<ProviderInfo>> listed = listed();
        TernServer server = provider(new GreeterImpl()).closeOnShutdown().start();
        Thread hook = server.shutdownHook();
        assertNotNull(hook, "closeOnShutdown registers a hook");
        assertSame(hook, server.closeOnShutdown().shutdownHook(), "once only");
        assertEquals("tern-shutdown-hook", hook.getName());
        Poll.until(Duration.ofSeconds(10), "the provider is listed", () -> listed.get().size() == 1);

        TernClient client = new TernClient(ClientConfig.defaults(), registry());
        closeables.add(client);
        Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(20)));
        assertEquals("hello a", greeter.hello("a"));
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> greeter.slow(1_500));
        Poll.until(Duration.ofSeconds(10), "a call in flight on the provider", () -> server.transportServer().inFlight() == 1);

        hook.run(); // the hook's action, on this thread: what SIGTERM would run

        assertEquals("slept 1500", inFlight.get(10, TimeUnit.SECONDS), "the in-flight call was answered: drained, not cut");
        assertEquals(0, server.transportServer().inFlight());
        Poll.until(Duration.ofSeconds(10), "the provider is unlisted", () -> listed.get().isEmpty());
        assertFalse(server.isServing());
        assertTrue(server.awaitTermination(Duration.ZERO));
        assertNull(server.shutdownHook(), "closed: the hook is gone");
        assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "and no longer registered with the JVM");
    }

    @Test
    void closeRemovesTheHookAndAClosedServerRegistersNone() throws Exception {
        TernServer server = provider(new GreeterImpl()).start().closeOnShutdown();
        Thread hook = server.shutdownHook();
        assertNotNull(hook);

        server.close();

        assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "close() unregistered the hook");
        assertNull(server.closeOnShutdown().shutdownHook(), "no hook for a server already closed");
    }
}
