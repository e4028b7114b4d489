package io.tern.rpc.transport.internal;

import ch.qos.logback.classic.Level;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.LogCapture;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer's multiplexed connection: failing pending calls on disconnect, timeouts, reconnect, heartbeat. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientConnectionTest {
    private static final int CALLS = 8;

    private static ClientConnection readyConnection(TransportClient client, int port) {
        ClientConnection c = client.connection("127.0.0.1", port);
        Poll.until(Duration.ofSeconds(5), "connection READY", () -> c.state() == ClientConnection.State.READY);
        return c;
    }

    @Test
    void pendingCallsFailAtOnceWhenTheProviderCrashes() throws Exception {
        assertPendingCallsFailOnDisconnect(true);
    }

    @Test
    void pendingCallsFailAtOnceWhenTheProviderClosesWithoutAnswering() throws Exception {
        assertPendingCallsFailOnDisconnect(false);
    }

    private static void assertPendingCallsFailOnDisconnect(boolean reset) throws Exception {
        try (FakeProvider fake = new FakeProvider(); TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, fake.port());
            FakeProvider.Conn conn = fake.awaitConnection(Duration.ofSeconds(5));

            List<CompletableFuture<RpcResponse>> calls = new ArrayList<>();
            List<AtomicLong> doneAt = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                AtomicLong at = new AtomicLong();
                calls.add(Calls.slow(c, 5000, 30_000).whenComplete((r, e) -> at.set(System.nanoTime())));
                doneAt.add(at);
            }
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < CALLS; i++) {
                RawFrame f = conn.nextFrame(Duration.ofSeconds(5));
                assertNotNull(f, "the fake provider received only " + i + " requests");
                assertEquals(MessageType.REQUEST, f.type());
                ids.add(f.requestId());
            }
            assertEquals(CALLS, ids.size(), "request ids must be distinct on one connection");
            assertEquals(CALLS, c.pendingCalls());

            long closedAt = System.nanoTime();
            if (reset) {
                conn.crash();
            } else {
                conn.close();
            }
            for (CompletableFuture<RpcResponse> f : calls) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                RpcConnectionException rce = assertInstanceOf(RpcConnectionException.class, e.getCause());
                assertTrue(rce.requestMayHaveRun(), "the request was in flight: it may have run");
            }
            for (AtomicLong at : doneAt) {
                long ms = TimeUnit.NANOSECONDS.toMillis(at.get() - closedAt);
                assertTrue(ms < 1000, "a pending call failed " + ms + " ms after the disconnect, not at once");
            }
            assertEquals(0, c.pendingCalls());
        }
    }

    @Test
    void pendingCallsFailAtOnceWhenARealServerStopsWithoutGrace() throws Exception {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                .shutdownGrace(Duration.ZERO).build());
        GreeterImpl impl = new GreeterImpl();
        server.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        try (server; TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, server.port());
            List<CompletableFuture<RpcResponse>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(Calls.slow(c, 5000, 30_000));
            }
            Poll.until(Duration.ofSeconds(5), "all calls running on the provider", () -> server.inFlight() == CALLS);
            long start = System.nanoTime();
            server.close();
            for (CompletableFuture<RpcResponse> f : calls) {
                // each call ends well before its 30 s timeout: either failed by the disconnect or answered as the
                // interrupted method returned before the connection closed
                try {
                    RpcResponse r = f.get(5, TimeUnit.SECONDS);
                    assertEquals(Status.OK, r.status());
                } catch (ExecutionException e) {
                    RpcConnectionException rce = assertInstanceOf(RpcConnectionException.class, e.getCause());
                    assertTrue(rce.requestMayHaveRun());
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 4000, "calls took " + ms + " ms to end after the provider stopped");
            assertEquals(0, c.pendingCalls());
        }
    }

    @Test
    void callToASilentProviderTimesOutAfterItsTimeout() throws Exception {
        try (FakeProvider fake = new FakeProvider(); TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, fake.port());
            long timeout = 500;
            long start = System.nanoTime();
            CompletableFuture<RpcResponse> f = Calls.hello(c, "anyone?", timeout);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RpcTimeoutException te = assertInstanceOf(RpcTimeoutException.class, e.getCause());
            assertTrue(ms >= timeout && ms < timeout + 1000, "timed out after " + ms + " ms for a " + timeout + " ms timeout");
            assertTrue(te.getMessage().contains("Greeter.hello(String)"), te.getMessage());
            assertTrue(te.getMessage().contains("127.0.0.1:" + fake.port()), te.getMessage());
            assertTrue(te.requestMayHaveRun());
            assertEquals(Status.DEADLINE_EXCEEDED, te.status());
            assertEquals(0, c.pendingCalls());
            // the request did reach the provider: the timeout is not a send failure
            RawFrame sent = fake.awaitConnection(Duration.ofSeconds(1)).nextFrame(Duration.ofSeconds(1));
            assertNotNull(sent);
            assertEquals(MessageType.REQUEST, sent.type());
            // a timed-out call does not break the connection
            assertEquals(ClientConnection.State.READY, c.state());
        }
    }

    @Test
    void callToAnAddressNobodyListensOnFailsFastAsNotSent() throws Exception {
        int port = freePort();
        try (TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", port);
            long start = System.nanoTime();
            ExecutionException e = assertThrows(ExecutionException.class, () -> Calls.hello(c, "x", 30_000).get(5, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RpcConnectionException rce = assertInstanceOf(RpcConnectionException.class, e.getCause());
            assertFalse(rce.requestMayHaveRun(), "a request that was never written cannot have run");
            assertTrue(ms < 2000, "refused connection took " + ms + " ms to fail (timeout 30 s)");
            assertEquals(0, c.pendingCalls());
        }
    }

    @Test
    void reconnectsWhenTheProviderComesBackOnTheSamePort() throws Exception {
        int port = freePort();
        ClientConfig config = ClientConfig.builder().ioThreads(1)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        try (TransportClient client = new TransportClient(config)) {
            TransportServer first = providerOn(port);
            ClientConnection c;
            try (first) {
                c = readyConnection(client, port);
                assertEquals(Status.OK, Calls.hello(c, "one", 5000).get(5, TimeUnit.SECONDS).status());
            }
            Poll.until(Duration.ofSeconds(5), "connection to notice the provider is gone",
                    () -> c.state() != ClientConnection.State.READY && c.state() != ClientConnection.State.DRAINING);
            // while nobody listens: fail fast, not sent
            ExecutionException down = assertThrows(ExecutionException.class, () -> Calls.hello(c, "down", 30_000).get(5, TimeUnit.SECONDS));
            assertInstanceOf(RpcConnectionException.class, down.getCause());

            try (TransportServer second = providerOn(port)) {
                Poll.until(Duration.ofSeconds(10), "a call to succeed after the provider came back", () -> callSucceeds(c));
                assertEquals(ClientConnection.State.READY, c.state());
                RpcResponse r = Calls.hello(c, "two", 5000).get(5, TimeUnit.SECONDS);
                assertEquals("hello two", r.result());
                assertEquals(port, second.port());
            }
        }
    }

    private static boolean callSucceeds(ClientConnection c) {
        try {
            return Calls.hello(c, "again", 1000).get(2, TimeUnit.SECONDS).status() == Status.OK;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static TransportServer providerOn(int port) {
        TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(port).ioThreads(1)
                .shutdownGrace(Duration.ZERO).build());
        s.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        return s.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void heartbeatPingsASilentProviderThenClosesTheConnection() throws Exception {
        ClientConfig config = ClientConfig.builder().ioThreads(1).heartbeatInterval(Duration.ofMillis(100))
                .reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build();
        try (LogCapture log = LogCapture.of(ClientConnection.class);
             FakeProvider fake = new FakeProvider();
             TransportClient client = new TransportClient(config)) {
            ClientConnection c = client.connection("127.0.0.1", fake.port());
            FakeProvider.Conn conn = fake.awaitConnection(Duration.ofSeconds(5));

            RawFrame ping = conn.nextFrame(Duration.ofSeconds(2));
            assertNotNull(ping, "no PING from the client within 2 s at a 100 ms heartbeat");
            assertEquals(MessageType.PING, ping.type());
            assertEquals(FrameHeader.LENGTH, ping.length());
            assertEquals(0, ping.codec());
            assertEquals(0, ping.compress());

            assertTrue(conn.awaitEof(Duration.ofSeconds(2)), "client kept a connection with no inbound bytes open");
            for (RawFrame f : conn.frames) {
                assertEquals(MessageType.PING, f.type(), "an idle client sends nothing but PING");
            }
            Poll.until(Duration.ofSeconds(2), "client to mark the connection down", () -> c.state() != ClientConnection.State.READY);
            assertTrue(log.messages(Level.WARN).stream().anyMatch(m -> m.contains("127.0.0.1:" + fake.port())),
                    () -> "expected a WARN naming the provider: " + log.messages(Level.WARN));
        }
    }

    @Test
    void aGracefulProviderStopLogsNoWarnOnTheConsumer() throws Exception {
        // GOAWAY and the drain PING come in one flush: the idle connection closes at GOAWAY, before the PING is read
        ClientConfig config = ClientConfig.builder().ioThreads(1).reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build();
        try (LogCapture log = LogCapture.of(ClientConnection.class); TransportClient client = new TransportClient(config)) {
            for (int round = 1; round <= 3; round++) {
                TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build());
                server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
                server.start();
                ClientConnection c = readyConnection(client, server.port());
                assertEquals(Status.OK, Calls.hello(c, "before stop", 5000).get(5, TimeUnit.SECONDS).status());
                io.netty.channel.Channel channel = c.channel();
                server.close();
                Poll.until(Duration.ofSeconds(10), "the consumer to drop the stopped provider", () -> !channel.isActive());
                channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // what the last read batch logged is in
                int r = round;
                assertEquals(List.of(), log.messages(Level.WARN), () -> "WARN on the consumer at graceful stop " + r);
            }
        }
    }

    @Test
    void heartbeatKeepsAConnectionToALiveProviderReady() throws Exception {
        ClientConfig config = ClientConfig.builder().ioThreads(1).heartbeatInterval(Duration.ofMillis(100)).build();
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build());
        server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        try (server; LogCapture log = LogCapture.of(ClientConnection.class); TransportClient client = new TransportClient(config)) {
            ClientConnection c = readyConnection(client, server.port());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000); // ten heartbeat intervals
            int samples = 0;
            while (System.nanoTime() - end < 0) {
                assertEquals(ClientConnection.State.READY, c.state(), "connection dropped while idle with a live provider");
                samples++;
                Thread.sleep(20); // sampling the state over a fixed observation window
            }
            assertTrue(samples > 10);
            assertEquals(List.of(), log.messages(Level.WARN));
            assertEquals(Status.OK, Calls.hello(c, "alive", 5000).get(5, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void probePingCompletesWithItsRoundTripWhileEveryBusinessThreadIsBusy() throws Exception {
        // one business thread, no queue, held by a slow call: the PONG still comes, from the provider's I/O thread
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).executorThreads(1).executorQueue(0).build());
        server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        try (server; TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, server.port());
            CompletableFuture<RpcResponse> holding = Calls.slow(c, 3_000, 10_000);
            Poll.until(Duration.ofSeconds(5), "the slow call sent", () -> c.pendingCalls() == 1);
            assertEquals(Status.SERVER_BUSY, Calls.hello(c, "refused", 5000).get(5, TimeUnit.SECONDS).status(), "the provider is fully booked");
            long before = c.lastInboundNanos();
            long rtt = c.ping().get(5, TimeUnit.SECONDS);
            assertTrue(rtt > 0 && rtt < TimeUnit.SECONDS.toNanos(2), "round trip " + rtt + " ns");
            Poll.until(Duration.ofSeconds(2), "the PONG's arrival noted", () -> c.lastInboundNanos() - before > 0);
            assertFalse(holding.isDone(), "the business thread is still held");
        }
    }

    @Test
    void probePingToASilentProviderFailsWhenTheConnectionDrops() throws Exception {
        try (FakeProvider fake = new FakeProvider(); TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, fake.port());
            FakeProvider.Conn conn = fake.awaitConnection(Duration.ofSeconds(5));
            assertEquals(0, c.lastInboundNanos(), "nothing has arrived from a provider that never wrote");
            CompletableFuture<Long> probe = c.ping();
            RawFrame ping = conn.nextFrame(Duration.ofSeconds(5));
            assertNotNull(ping, "the probe PING was sent");
            assertEquals(MessageType.PING, ping.type());
            assertFalse(probe.isDone(), "no PONG, no answer");
            conn.crash();
            ExecutionException e = assertThrows(ExecutionException.class, () -> probe.get(5, TimeUnit.SECONDS));
            assertInstanceOf(RpcConnectionException.class, e.getCause());
            Poll.until(Duration.ofSeconds(5), "connection down", () -> c.state() != ClientConnection.State.READY);
            assertInstanceOf(RpcConnectionException.class, assertThrows(ExecutionException.class,
                    () -> c.ping().get(5, TimeUnit.SECONDS)).getCause(), "no PING on a connection that is down");
        }
    }

    @Test
    void probeAnsweredByItsOwnIdOnly() throws Exception {
        try (FakeProvider fake = new FakeProvider(); TransportClient client = Calls.client()) {
            ClientConnection c = readyConnection(client, fake.port());
            FakeProvider.Conn conn = fake.awaitConnection(Duration.ofSeconds(5));
            CompletableFuture<Long> probe = c.ping();
            RawFrame ping = conn.nextFrame(Duration.ofSeconds(5));
            assertNotNull(ping);
            conn.write(Wire.frame(MessageType.PONG, 0, 0, ping.requestId() + 1, new byte[0])); // a PONG for some other PING
            conn.write(Wire.frame(MessageType.PONG, 0, 0, 0, new byte[0])); // the heartbeat's
            Poll.until(Duration.ofSeconds(2), "those PONGs read", () -> c.lastInboundNanos() != 0);
            assertFalse(probe.isDone(), "a PONG for another id does not answer the probe");
            conn.write(Wire.frame(MessageType.PONG, 0, 0, ping.requestId(), new byte[0]));
            assertTrue(probe.get(5, TimeUnit.SECONDS) > 0);
        }
    }
}
