package io.tern.rpc.transport.internal;

import io.tern.rpc.RpcContext;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.testsupport.LeakCheckExtension;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §2 CANCEL (issue 12, defect 5): a queued call is dropped, a running one sees it through its RpcContext. */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancelTest {
    public interface Work {
        String block();

        String count();

        /** Works in 5 ms steps for up to {@code millis}, stopping early when cancelled. */
        String work(long millis);
    }

    static final class WorkImpl implements Work {
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch working = new CountDownLatch(1);
        final AtomicInteger counted = new AtomicInteger();
        /** Milliseconds from the start of work() to seeing the cancellation; -1 until then. */
        final AtomicLong cancelSeenAfter = new AtomicLong(-1);

        @Override
        public String block() {
            blocked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        }

        @Override
        public String count() {
            return "count " + counted.incrementAndGet();
        }

        @Override
        public String work(long millis) {
            working.countDown();
            long start = System.nanoTime();
            while (System.nanoTime() - start < millis * 1_000_000L) {
                if (RpcContext.current().isCancelled()) {
                    cancelSeenAfter.set((System.nanoTime() - start) / 1_000_000L);
                    return "stopped";
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // simulated work, not a wait for a condition
            }
            return "done";
        }
    }

    private static TransportServer server(WorkImpl impl) {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(1).executorParallelism(1)
                .executorQueue(8).build());
        server.export(ExportedService.of(Work.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        return server.start();
    }

    private static CompletableFuture<RpcResponse> call(ClientConnection c, String method, Class<?>[] params, Object[] args, long timeoutMillis) {
        try {
            MethodCodecs codecs = new MethodCodecs(Work.class.getMethod(method, params));
            return c.call(new RpcRequest(Work.class.getName(), method, codecs.descriptors(), args, Map.of()),
                    CallSpec.of(codecs, Serializers.protostuff(), Compression.NONE), timeoutMillis);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static void poll(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
        }
    }

    @Test
    void aCallCancelledWhileQueuedIsNeverRun() throws Exception {
        WorkImpl impl = new WorkImpl();
        try (TransportServer server = server(impl); TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            CompletableFuture<RpcResponse> blocker = call(c, "block", new Class<?>[0], new Object[0], 20_000);
            assertTrue(impl.blocked.await(10, TimeUnit.SECONDS));
            CompletableFuture<RpcResponse> queued = call(c, "count", new Class<?>[0], new Object[0], 20_000);
            poll(() -> server.inFlight() == 2, "the provider has queued the second call behind the first");
            assertTrue(queued.cancel(true));
            poll(() -> server.cancelsReceived() == 1, "the provider received the CANCEL");
            impl.release.countDown();
            assertEquals("released", blocker.get(10, TimeUnit.SECONDS).result());
            assertEquals("count 1", call(c, "count", new Class<?>[0], new Object[0], 10_000).get(10, TimeUnit.SECONDS).result(),
                    "the cancelled call never ran: this is the first count");
            assertEquals(1, server.cancelledBeforeRun());
        }
    }

    @Test
    void aRunningCallSeesItsCancellation() throws Exception {
        WorkImpl impl = new WorkImpl();
        try (TransportServer server = server(impl); TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            CompletableFuture<RpcResponse> running = call(c, "work", new Class<?>[]{long.class}, new Object[]{10_000L}, 20_000);
            assertTrue(impl.working.await(10, TimeUnit.SECONDS));
            running.cancel(true);
            poll(() -> impl.cancelSeenAfter.get() >= 0, "the method saw its cancellation");
            assertTrue(impl.cancelSeenAfter.get() < 5_000, "seen after " + impl.cancelSeenAfter.get() + " ms of 10,000");
            assertEquals(0, server.cancelledBeforeRun());
        }
    }

    @Test
    void aCallWhoseDeadlinePassedIsCancelledAtTheProvider() throws Exception {
        WorkImpl impl = new WorkImpl();
        try (TransportServer server = server(impl); TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            CompletableFuture<RpcResponse> late = call(c, "work", new Class<?>[]{long.class}, new Object[]{10_000L}, 300);
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertInstanceOf(RpcTimeoutException.class, e.getCause());
            poll(() -> impl.cancelSeenAfter.get() >= 0, "the method saw its cancellation");
            assertTrue(impl.cancelSeenAfter.get() >= 250 && impl.cancelSeenAfter.get() < 5_000,
                    "seen after " + impl.cancelSeenAfter.get() + " ms (deadline 300 ms)");
        }
    }
}
