package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Futures complete on the client's I/O thread (the fast default); blocking on that thread fails fast instead of
 * stalling every connection of the thread, and rpc.consumer.callback-executor moves callbacks off it (issue 12,
 * defect 10).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoThreadCallbacksTest {
    /** Calls whose answer the test releases, so a callback registered before is sure to run where the answer lands. */
    public interface Gated {
        CompletableFuture<String> gatedAsync(String name);

        String hello(String name);

        CompletableFuture<String> helloAsync(String name);
    }

    static final class GatedImpl implements Gated {
        final BlockingQueue<CompletableFuture<String>> gates = new LinkedBlockingQueue<>();
        final AtomicInteger hellos = new AtomicInteger();

        @Override
        public CompletableFuture<String> gatedAsync(String name) {
            CompletableFuture<String> gate = new CompletableFuture<>();
            gates.add(gate);
            return gate.thenApply(v -> "gated " + name);
        }

        @Override
        public String hello(String name) {
            hellos.incrementAndGet();
            return "hello " + name;
        }

        @Override
        public CompletableFuture<String> helloAsync(String name) {
            hellos.incrementAndGet();
            return CompletableFuture.completedFuture("async hello " + name);
        }

        /** Lets the provider answer the oldest gated call. */
        void release() throws InterruptedException {
            CompletableFuture<String> gate = gates.poll(10, TimeUnit.SECONDS);
            assertTrue(gate != null, "a gated call reached the provider");
            gate.complete("open");
        }
    }

    /** A provider method that calls on, as a middle tier does. */
    public interface Relay {
        String relay(String name);
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final GatedImpl impl = new GatedImpl();
    private TransportServer server;
    private TransportClient rpc;
    private Directory directory;

    @BeforeEach
    void start() {
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Gated.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
        InMemoryRegistry registry = new InMemoryRegistry();
        registry.register(new ProviderInfo(Gated.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                System.currentTimeMillis() - 60_000, "", "", Map.of()));
        rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build()); // one I/O thread: every answer lands on it
        directory = new Directory(Gated.class.getName(), registry, rpc);
    }

    @AfterEach
    void close() {
        directory.close();
        rpc.close();
        server.close();
    }

    /** A proxy through the cluster stack (as TernClient makes), or straight over one connection. */
    private Gated proxy(boolean cluster, Function<Reference<Gated>, Reference<Gated>> settings) {
        Reference<Gated> reference = settings.apply(Reference.to(Gated.class).timeout(TIMEOUT));
        return cluster ? reference.create(reference.callPath(directory), directory.describe())
                : reference.address("127.0.0.1:" + server.port()).create(rpc);
    }

    /**
     * The failure of a callback that should fail fast. If it is still blocked, the test fails, after freeing the
     * I/O thread (else the client could not close): the wait it is stuck in is interrupted, or completed from here.
     */
    private static Throwable failureOf(CompletableFuture<?> future, AtomicReference<Thread> callbackThread,
                                       AtomicReference<CompletableFuture<String>> awaited) throws Exception {
        try {
            Object value = future.get(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            Thread stuck = callbackThread.get();
            if (stuck != null) {
                stuck.interrupt(); // a blocking proxy call waits interruptibly
            }
            if (awaited != null && awaited.get() != null) {
                awaited.get().cancel(false); // join() does not heed interrupts
            }
            throw new AssertionError("the callback is still blocked on " + stuck + " after " + TIMEOUT.toMillis() / 2 + " ms", e);
        }
    }

    private static void assertExplains(Throwable failure, String what) {
        IllegalStateException refused = assertInstanceOf(IllegalStateException.class, failure);
        String m = refused.getMessage();
        assertTrue(m.contains(what) && m.contains("I/O thread") && m.contains("tern-client-io") && m.contains("thenApplyAsync")
                && m.contains("rpc.consumer.callback-executor"), m);
    }

    @ParameterizedTest(name = "cluster={0}")
    @ValueSource(booleans = {true, false})
    void aBlockingCallInsideACallbackOnTheIoThreadFailsFastAndIsNotSent(boolean cluster) throws Exception {
        Gated gated = proxy(cluster, r -> r);
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        AtomicLong blockedNanos = new AtomicLong(-1);
        CompletableFuture<String> chained = gated.gatedAsync("a").thenApply(s -> {
            callbackThread.set(Thread.currentThread());
            long start = System.nanoTime();
            try {
                return gated.hello("b");
            } finally {
                blockedNanos.set(System.nanoTime() - start);
            }
        });
        impl.release();

        Throwable failure = failureOf(chained, callbackThread, null);
        assertTrue(callbackThread.get().getName().startsWith("tern-client-io"), "by default callbacks run on the I/O thread: " + callbackThread);
        assertExplains(failure, "Gated.hello(String)");
        long millis = TimeUnit.NANOSECONDS.toMillis(blockedNanos.get());
        assertTrue(millis < 1_000, "fails fast, not at the " + TIMEOUT.toMillis() + " ms timeout: " + millis + " ms");
        assertEquals(0, impl.hellos.get(), "refused before sending");
        assertEquals("hello c", gated.hello("c"), "a blocking call from an application thread works as ever");
    }

    @Test
    void getAndJoinOfAnUnfinishedCallOnTheIoThreadFailFastWhileTheCallItselfGoesThrough() throws Exception {
        Gated gated = proxy(true, r -> r);
        List<Function<CompletableFuture<String>, Object>> waits = List.of(
                CompletableFuture::join,
                f -> {
                    try {
                        return f.get(2, TimeUnit.SECONDS);
                    } catch (InterruptedException | ExecutionException | TimeoutException e) {
                        throw new AssertionError("not refused: " + e, e);
                    }
                },
                f -> f.thenApply(String::length).join()); // a stage derived from the call's future is guarded too
        for (Function<CompletableFuture<String>, Object> wait : waits) {
            AtomicReference<Thread> callbackThread = new AtomicReference<>();
            AtomicReference<CompletableFuture<String>> inner = new AtomicReference<>();
            AtomicLong blockedNanos = new AtomicLong(-1);
            CompletableFuture<Object> chained = gated.gatedAsync("a").thenApply(s -> {
                callbackThread.set(Thread.currentThread());
                CompletableFuture<String> next = gated.gatedAsync("inner"); // async: fine on the I/O thread
                inner.set(next);
                long start = System.nanoTime();
                try {
                    return wait.apply(next); // waiting for it is not: its answer must be read by this very thread
                } finally {
                    blockedNanos.set(System.nanoTime() - start);
                }
            });
            impl.release();

            Throwable failure = failureOf(chained, callbackThread, inner);
            assertExplains(failure, "waiting for");
            long millis = TimeUnit.NANOSECONDS.toMillis(blockedNanos.get());
            assertTrue(millis < 1_000, "fails fast: " + millis + " ms");
            impl.release();
            assertEquals("gated inner", inner.get().get(5, TimeUnit.SECONDS), "the inner call itself was sent and answered");
        }
    }

    @Test
    void aBlockingCallFromAMethodExportedInDirectModeFailsFast() {
        Gated gated = proxy(false, r -> r);
        TransportServer relayServer = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        relayServer.export(ExportedService.of(Relay.class, (Relay) gated::hello, "", "", ExportedService.ExecutionMode.DIRECT)).start();
        try (relayServer) {
            Relay relay = Reference.to(Relay.class).address("127.0.0.1:" + relayServer.port()).timeout(TIMEOUT).create(rpc);
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> relay.relay("x"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("blocking call Gated.hello(String) refused on Tern server I/O thread")
                    && e.getMessage().contains("DIRECT mode"), e.getMessage());
            assertTrue(millis < TIMEOUT.toMillis() / 2, millis + " ms");
            assertEquals(0, impl.hellos.get(), "not sent");
        }
    }

    @Test
    void aFinishedCallMayBeJoinedOnTheIoThread() throws Exception {
        Gated gated = proxy(true, r -> r);
        CompletableFuture<String> finished = gated.helloAsync("done");
        assertEquals("async hello done", finished.get(5, TimeUnit.SECONDS));
        CompletableFuture<String> chained = gated.gatedAsync("a")
                .thenApply(s -> Thread.currentThread().getName() + ": " + s + " + " + finished.join());
        impl.release();
        String result = chained.get(5, TimeUnit.SECONDS);
        assertTrue(result.startsWith("tern-client-io") && result.endsWith(": gated a + async hello done"), result);
    }

    @ParameterizedTest(name = "cluster={0}")
    @ValueSource(booleans = {true, false})
    void withTheDefaultCallbackExecutorCallbacksRunOffTheIoThreadAndMayBlock(boolean cluster) throws Exception {
        Gated gated = proxy(cluster, r -> r.callbackExecutor("default"));
        CompletableFuture<String> chained = gated.gatedAsync("a")
                .thenApply(s -> Thread.currentThread().getName() + ": " + s + " + " + gated.hello("b"));
        impl.release();
        String result = chained.get(5, TimeUnit.SECONDS);
        assertTrue(result.startsWith("tern-callback-") && result.endsWith(": gated a + hello b"), result);
    }

    @Test
    void callbacksRunOnAnExecutorGivenInCode() throws Exception {
        ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-callbacks"));
        try {
            Gated gated = proxy(true, r -> r.callbackExecutor(mine));
            CompletableFuture<String> chained = gated.gatedAsync("a").thenApply(s -> Thread.currentThread().getName() + ": " + gated.hello("b"));
            impl.release();
            assertEquals("my-callbacks: hello b", chained.get(5, TimeUnit.SECONDS));
        } finally {
            mine.shutdown();
        }
    }

    @Test
    void anUnknownCallbackExecutorIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.to(Gated.class).callbackExecutor("virtual"));
        assertTrue(e.getMessage().contains("rpc.consumer.callback-executor") && e.getMessage().contains("io or default"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Reference.to(Gated.class).callbackExecutor((java.util.concurrent.Executor) null));
        assertDoesNotThrow(() -> Reference.to(Gated.class).callbackExecutor(" Default ").callbackExecutor("io"));
    }
}
