package io.tern.rpc.transport.internal;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framework response statuses of SPEC §2 (SERVER_BUSY, DEADLINE_EXCEEDED, not found, SHUTTING_DOWN) and GOAWAY. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerStatusTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TransportServer server(ServerConfig.Builder config, GreeterImpl impl) {
        TransportServer s = new TransportServer(config.host("127.0.0.1").port(0).ioThreads(1).build());
        s.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        toClose.add(s);
        return s.start();
    }

    private ClientConnection connect(TransportServer s) {
        TransportClient client = Calls.client();
        toClose.add(client);
        ClientConnection c = client.connection("127.0.0.1", s.port());
        Poll.until(Duration.ofSeconds(5), "connection READY", () -> c.state() == ClientConnection.State.READY);
        return c;
    }

    @Test
    void fullExecutorAnswersServerBusyAtOnce() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        TransportServer s = server(ServerConfig.builder().executorThreads(1).executorQueue(0), impl);
        ClientConnection c = connect(s);

        CompletableFuture<RpcResponse> first = Calls.slow(c, 1500, 10_000);
        long start = System.nanoTime();
        RpcResponse second = Calls.hello(c, "busy", 10_000).get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(Status.SERVER_BUSY, second.status(), second.message());
        assertFalse(first.isDone(), "the busy answer must come while the slow call still runs");
        assertTrue(ms < 1000, "SERVER_BUSY took " + ms + " ms; it must not wait for the running call");
        assertEquals(Status.OK, first.get(10, TimeUnit.SECONDS).status());
        assertEquals(1, impl.calls.get(), "the refused call must not have run");
        // the in-flight count drops just after the response is queued
        Poll.until(Duration.ofSeconds(5), "no call in flight", () -> s.inFlight() == 0);

        // with the thread free again, the next call runs
        assertEquals(Status.OK, Calls.hello(c, "later", 10_000).get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void requestWhoseDeadlinePassedInTheQueueIsNotRun() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        TransportServer s = server(ServerConfig.builder().executorThreads(1).executorQueue(10), impl);
        ClientConnection c = connect(s);

        CompletableFuture<RpcResponse> blocker = Calls.slow(c, 400, 10_000);
        CompletableFuture<RpcResponse> late = Calls.slow(c, 1, 10_000, Map.of(RpcRequest.DEADLINE_MS, "50"));
        CompletableFuture<RpcResponse> patient = Calls.slow(c, 1, 10_000, Map.of(RpcRequest.DEADLINE_MS, "20000"));

        assertEquals(Status.OK, blocker.get(10, TimeUnit.SECONDS).status());
        RpcResponse r = late.get(10, TimeUnit.SECONDS);
        assertEquals(Status.DEADLINE_EXCEEDED, r.status(), r.message());
        assertEquals(6, r.status().code());
        assertEquals(Status.OK, patient.get(10, TimeUnit.SECONDS).status(), "a request with time left still runs");
        assertEquals(2, impl.calls.get(), "the expired request must not have run (only the blocker and the patient one did)");
    }

    @Test
    void unknownServiceKeyIsServiceNotFound() throws Exception {
        TransportServer s = server(ServerConfig.builder(), new GreeterImpl());
        ClientConnection c = connect(s);
        String[] descriptors = {String.class.getName()};
        for (String key : new String[]{"io.tern.Nope", Wire.GREETER + ":2.0", Wire.GREETER + "@blue"}) {
            RpcResponse r = c.call(new RpcRequest(key, "hello", descriptors, new Object[]{"x"}, Map.of()),
                    Calls.spec("hello", String.class), 5000).get(5, TimeUnit.SECONDS);
            assertEquals(Status.SERVICE_NOT_FOUND, r.status(), key);
            assertTrue(r.message().contains(key), r.message());
        }
    }

    @Test
    void unknownMethodOrSignatureIsMethodNotFound() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        TransportServer s = server(ServerConfig.builder(), impl);
        ClientConnection c = connect(s);
        CallSpec spec = Calls.spec("hello", String.class);
        String[][] cases = {
                {"goodbye", String.class.getName()},    // no such name
                {"hello", "int"},                         // wrong descriptor
                {"hello", "java.lang.CharSequence"},      // a supertype is still another signature
                {"hello"},                                // no descriptors
                {"hello", String.class.getName(), String.class.getName()}, // too many
        };
        for (String[] cs : cases) {
            String[] descriptors = java.util.Arrays.copyOfRange(cs, 1, cs.length);
            RpcResponse r = c.call(new RpcRequest(Wire.GREETER, cs[0], descriptors, new Object[]{"x"}, Map.of()), spec, 5000)
                    .get(5, TimeUnit.SECONDS);
            assertEquals(Status.METHOD_NOT_FOUND, r.status(), () -> String.join(",", cs));
            assertTrue(r.message().contains(cs[0]), r.message());
        }
        assertEquals(0, impl.calls.get());
        assertEquals(Status.OK, Calls.hello(c, "right", 5000).get(5, TimeUnit.SECONDS).status());
    }

    /** Records whether its slow method had returned, to check that close() waits for it. */
    static final class DrainingGreeter extends GreeterImpl {
        volatile boolean slowReturned;

        @Override
        public String slow(long millis) {
            String r = super.slow(millis);
            slowReturned = true;
            return r;
        }
    }

    @Test
    void shutdownSendsGoAwayDrainsInFlightCallsAndRefusesNewOnes() throws Exception {
        DrainingGreeter impl = new DrainingGreeter();
        TransportServer s = server(ServerConfig.builder().shutdownGrace(Duration.ofSeconds(5)), impl);
        try (RawConnection c = new RawConnection(s.port())) {
            c.send(Wire.request(1, Serializers.protostuff(), "slow", new Class<?>[]{long.class}, new Object[]{300L}, Map.of()));
            Poll.until(Duration.ofSeconds(5), "the slow call to be in flight", () -> s.inFlight() == 1);

            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            Thread closer = new Thread(() -> {
                try {
                    s.close();
                    closed.complete(impl.slowReturned);
                } catch (Throwable t) {
                    closed.completeExceptionally(t);
                }
            }, "test-server-closer");
            closer.start();

            RawFrame goaway = c.readFrame();
            assertEquals(MessageType.GOAWAY, goaway.type(), () -> "first frame after close() should be GOAWAY: " + goaway);
            assertEquals(0, goaway.requestId());
            assertEquals(FrameHeader.LENGTH, goaway.length());
            assertEquals(0, goaway.codec());
            assertEquals(0, goaway.compress());

            // a request sent after GOAWAY: SHUTTING_DOWN, or the connection closes once drained
            c.send(Wire.hello(2, "late"));
            Map<Integer, RawFrame> byId = new HashMap<>();
            boolean eof = false;
            boolean sawDrainPing = false;
            while (!eof && !(byId.containsKey(1) && byId.containsKey(2))) {
                try {
                    RawFrame f = c.readFrame();
                    if (f.type() == MessageType.PING) {
                        sawDrainPing = true; // the server asks the client to confirm it stopped sending
                        continue;
                    }
                    assertEquals(MessageType.RESPONSE, f.type(), f::toString);
                    byId.put(f.requestId(), f);
                } catch (EOFException e) {
                    eof = true;
                }
            }
            RawFrame inFlight = byId.get(1);
            assertTrue(inFlight != null, "the in-flight call got no response before the connection closed");
            assertEquals(Status.OK, inFlight.status());
            assertEquals("slept 300", inFlight.response(Wire.codecs("slow", long.class).resultCodec(Serializers.protostuff())).result());
            if (byId.containsKey(2)) {
                assertEquals(Status.SHUTTING_DOWN, byId.get(2).status());
            }
            assertEquals(1, impl.calls.get(), "the request sent after GOAWAY must not run");
            assertTrue(sawDrainPing || eof, "a PING follows GOAWAY, so a client can confirm nothing more is on the way");

            assertTrue(closed.get(10, TimeUnit.SECONDS), "close() returned before the in-flight call had finished");
            assertTrue(eof || c.awaitClosedSkipping(Duration.ofSeconds(5)), "connection still open after close() returned");
            assertEquals(0, s.inFlight(), "close() returned with calls in flight");
        }
    }

    @Test
    void shutdownWithNothingInFlightReturnsPromptly() throws Exception {
        TransportServer s = server(ServerConfig.builder().shutdownGrace(Duration.ofSeconds(10)), new GreeterImpl());
        try (RawConnection c = new RawConnection(s.port())) {
            c.ping(1);
            long start = System.nanoTime();
            s.close();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 5000, "close() with nothing in flight took " + ms + " ms (grace is 10 s)");
            RawFrame goaway = c.readFrame();
            assertEquals(MessageType.GOAWAY, goaway.type());
            assertTrue(c.awaitClosedSkipping(Duration.ofSeconds(5)));
        }
    }

    @Test
    void clientConnectionStopsSendingAfterGoAway() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        TransportServer s = server(ServerConfig.builder().shutdownGrace(Duration.ofSeconds(5)), impl);
        ClientConnection c = connect(s);

        CompletableFuture<RpcResponse> inFlight = Calls.slow(c, 800, 10_000);
        Poll.until(Duration.ofSeconds(5), "the slow call to be in flight", () -> s.inFlight() == 1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(s::close);

        Poll.until(Duration.ofSeconds(5), "state DRAINING after GOAWAY", () -> c.state() == ClientConnection.State.DRAINING);
        assertFalse(c.isAvailable());

        long start = System.nanoTime();
        CompletableFuture<RpcResponse> late = Calls.hello(c, "late", 10_000);
        ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(2, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        RpcConnectionException rce = assertInstanceOf(RpcConnectionException.class, e.getCause());
        assertFalse(rce.requestMayHaveRun(), "a call refused after GOAWAY was never sent");
        assertTrue(ms < 1000, "refusal took " + ms + " ms");

        RpcResponse r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(Status.OK, r.status(), "the in-flight call completes during the drain");
        assertEquals("slept 800", r.result());
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(1, impl.calls.get());
        Poll.until(Duration.ofSeconds(5), "the drained connection to close", () -> c.state() != ClientConnection.State.DRAINING
                && c.state() != ClientConnection.State.READY);
        assertEquals(0, c.pendingCalls());
    }
}
