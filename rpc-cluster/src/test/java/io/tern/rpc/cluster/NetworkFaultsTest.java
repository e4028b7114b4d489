package io.tern.rpc.cluster;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.internal.ClientConnection;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A black-hole provider, and latency, dropped and half-open links through a loopback TCP proxy. */
class NetworkFaultsTest {

    static TransportServer provider() {
        TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        s.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
        return s;
    }

    /** Accepts connections and reads everything, but never writes a byte. */
    static final class BlackHole implements AutoCloseable {
        final ServerSocket listener;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        BlackHole() throws Exception {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        accepted.add(s);
                        Thread r = new Thread(() -> {
                            try (InputStream in = s.getInputStream()) {
                                in.transferTo(OutputStreamSink.INSTANCE);
                            } catch (Exception ignored) {
                                // closed
                            }
                        });
                        r.setDaemon(true);
                        r.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    @Test
    void blackHoleCallsTimeOutAtTheirDeadlineThenItIsEjectedAndCallsSucceedElsewhere() throws Exception {
        try (TransportServer a = provider(); TransportServer b = provider(); BlackHole hole = new BlackHole();
             TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of("direct://127.0.0.1:" + a.port()
                     + ",127.0.0.1:" + b.port() + ",127.0.0.1:" + hole.port()))) {
            Greeter g = client.refer(Reference.to(Greeter.class).timeout(Duration.ofMillis(300)).loadBalance("random").retries(2));
            int failed = 0;
            long worstFailureMs = 0;
            for (int i = 0; i < 200; i++) {
                long start = System.nanoTime();
                try {
                    assertEquals("hello " + i, g.hello(Integer.toString(i)));
                } catch (RpcTimeoutException e) {
                    failed++;
                    worstFailureMs = Math.max(worstFailureMs, (System.nanoTime() - start) / 1_000_000);
                }
            }
            int lateFailures = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    g.hello("late " + i);
                } catch (RpcException e) {
                    lateFailures++;
                }
            }
            System.out.printf("black hole: %d of 200 calls timed out (worst after %d ms of a 300 ms deadline), then %d of 100 failed%n",
                    failed, worstFailureMs, lateFailures);
            assertTrue(failed >= 1 && failed <= 10, "calls that went to the black hole before it was ejected: " + failed);
            assertTrue(worstFailureMs < 450, "a call hung past its deadline: " + worstFailureMs + " ms");
            assertEquals(0, lateFailures, "once ejected, the black hole gets no calls");
        }
    }

    @Test
    void heartbeatDetectsAHalfOpenLinkWithinItsIntervalAndPendingCallsFailFast() throws Exception {
        try (TransportServer server = provider(); FaultyProxy proxy = new FaultyProxy(server.port());
             TransportClient client = new TransportClient(ClientConfig.builder().heartbeatInterval(Duration.ofMillis(200)).build())) {
            Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(20)).create(client);
            assertEquals("hello up", g.hello("up"));
            ClientConnection c = client.connection("127.0.0.1", proxy.port());
            proxy.mode(FaultyProxy.Mode.BLACKHOLE); // sockets stay open, nothing gets through
            long start = System.nanoTime();
            CompletableFuture<String> stuck = g.helloAsync("into the void");
            ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(10, TimeUnit.SECONDS));
            long detectedMs = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(RpcConnectionException.class, e.getCause());
            System.out.printf("half-open link: detected by heartbeat after %d ms (interval 200 ms, dead after 3 missed)%n", detectedMs);
            assertTrue(detectedMs < 1_500, "dead link detected after " + detectedMs + " ms; the call's own timeout was 20 s");
            proxy.mode(FaultyProxy.Mode.PASS);
            Poll.until(Duration.ofSeconds(10), "reconnected through the healed link", () -> {
                try {
                    return g.hello("back").equals("hello back");
                } catch (RpcException ex) {
                    return false;
                }
            });
            assertTrue(c.isAvailable());
        }
    }

    @Test
    void addedLatencyNeverHoldsACallPastItsDeadline() throws Exception {
        try (TransportServer server = provider(); FaultyProxy proxy = new FaultyProxy(server.port());
             TransportClient client = new TransportClient(ClientConfig.defaults())) {
            Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + proxy.port()).timeout(Duration.ofMillis(150)).create(client);
            assertEquals("hello fast", g.hello("fast"));
            proxy.latency(400);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                assertThrows(RpcTimeoutException.class, () -> g.hello("slow link"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 300, "timed out after " + ms + " ms with a 150 ms deadline");
            }
            proxy.latency(0);
        }
    }

    @Test
    void droppedConnectionFailsInFlightCallsAtOnceAndReconnects() throws Exception {
        try (TransportServer server = provider(); FaultyProxy proxy = new FaultyProxy(server.port());
             TransportClient client = new TransportClient(ClientConfig.defaults())) {
            Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(20)).create(client);
            assertEquals("hello a", g.hello("a"));
            CompletableFuture<String> inFlight = g.slowAsync(5_000);
            Poll.until(Duration.ofSeconds(5), "call in flight", () -> client.connection("127.0.0.1", proxy.port()).pendingCalls() == 1);
            long start = System.nanoTime();
            proxy.dropAll();
            ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
            assertInstanceOf(RpcConnectionException.class, e.getCause());
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("dropped link: in-flight call failed after %d ms (its timeout was 20 s)%n", ms);
            assertTrue(ms < 2_000, "failed after " + ms + " ms");
            Poll.until(Duration.ofSeconds(10), "reconnected", () -> {
                try {
                    return g.hello("b").equals("hello b");
                } catch (RpcException ex) {
                    return false;
                }
            });
        }
    }
}
