package io.tern.rpc.transport.internal;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A call's outcome listener hears the outcome once, before anything waiting on the call's future runs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallOutcomeListenerTest {

    private record Heard(RpcResponse response, Throwable failure, long latencyNanos) {
    }

    private static TransportServer provider() {
        TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).shutdownGrace(Duration.ZERO).build());
        s.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        return s.start();
    }

    private static CompletableFuture<RpcResponse> call(ClientConnection c, String method, Class<?> param, Object arg, CallOutcomeListener l) {
        return c.call(Calls.request(method, new Class<?>[]{param}, new Object[]{arg}, Map.of()), Calls.spec(method, param), 2000, l);
    }

    @Test
    void anAnswerIsHeardOnceBeforeTheFutureCompletes() throws Exception {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        AtomicBoolean heardFirst = new AtomicBoolean();
        try (TransportServer server = provider(); TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            CompletableFuture<RpcResponse> f = call(c, "hello", String.class, "ann", (r, e, nanos) -> heard.add(new Heard(r, e, nanos)));
            f.whenComplete((r, e) -> heardFirst.set(heard.size() == 1));
            assertEquals("hello ann", f.get(5, TimeUnit.SECONDS).result());
            assertTrue(heardFirst.get(), "the listener ran before the future's dependents");
            assertEquals(1, heard.size());
            assertEquals(Status.OK, heard.get(0).response().status());
            assertNull(heard.get(0).failure());
            assertTrue(heard.get(0).latencyNanos() > 0);
        }
    }

    @Test
    void aCancelIsHeardAsACancellationAndALateAnswerIsNotHeardAgain() throws Exception {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        try (TransportServer server = provider(); TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            CompletableFuture<RpcResponse> f = call(c, "slow", long.class, 200L, (r, e, nanos) -> heard.add(new Heard(r, e, nanos)));
            f.cancel(false);
            assertEquals(1, heard.size());
            assertInstanceOf(CancellationException.class, heard.get(0).failure());
            // a slower call made after it answers after the cancelled one's late answer (if the provider sent one) was
            // read on this connection and dropped
            assertEquals(Status.OK, Calls.slow(c, 300, 2000).get(5, TimeUnit.SECONDS).status());
            assertEquals(1, heard.size());
        }
    }

    @Test
    void aCallRefusedBecauseTheConnectionIsDownIsHeardToo() {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        try (TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", 9); // nothing listens on the discard port here
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.state() == ClientConnection.State.CONNECTING && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // poll every millisecond
            }
            CompletableFuture<RpcResponse> f = call(c, "hello", String.class, "x", (r, e, nanos) -> heard.add(new Heard(r, e, nanos)));
            assertTrue(f.isCompletedExceptionally());
            assertEquals(1, heard.size());
            assertInstanceOf(RpcConnectionException.class, heard.get(0).failure());
        }
    }
}
