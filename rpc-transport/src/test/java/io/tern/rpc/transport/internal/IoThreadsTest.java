package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tern's I/O and timer threads are known as such, and a call's future refuses to be waited for on them (issue 12, defect 10). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoThreadsTest {
    public interface Probe {
        boolean onTernThread();
    }

    @Test
    void eventLoopAndTimerThreadsAreMarkedAndOthersAreNot() throws Exception {
        assertFalse(IoThreads.current(), "a test thread");
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Probe.class, (Probe) IoThreads::current, "", "", ExportedService.ExecutionMode.DIRECT));
        try (server; TransportClient client = Calls.client()) {
            server.start();
            ClientConnection connection = client.connection("127.0.0.1", server.port());
            assertTrue(connection.loop.submit(IoThreads::current).get(5, TimeUnit.SECONDS), "a client event loop");
            CompletableFuture<Boolean> onTimer = new CompletableFuture<>();
            client.timer().newTimeout(t -> onTimer.complete(IoThreads.current()), 1, TimeUnit.MILLISECONDS);
            assertTrue(onTimer.get(5, TimeUnit.SECONDS), "the client's timer thread");
            MethodCodecs codecs = new MethodCodecs(Probe.class.getMethod("onTernThread"));
            Object onServerLoop = connection
                    .call(new RpcRequest(Probe.class.getName(), "onTernThread", codecs.descriptors(), new Object[0], Map.of()),
                            CallSpec.of(codecs, Serializers.protostuff(), Compression.NONE), 5_000)
                    .get(5, TimeUnit.SECONDS).result();
            assertEquals(Boolean.TRUE, onServerLoop, "a server event loop (a DIRECT-mode method runs there)");
        }
    }

    @Test
    void aCallFutureRefusesToBeWaitedForOnAnIoThreadUntilItIsDone() throws Exception {
        ClientIo io = new ClientIo(ClientConfig.builder().ioThreads(1).build(), null);
        try {
            CallFuture<String> call = new CallFuture<>();
            CompletableFuture<Integer> derived = call.thenApply(String::length);
            assertInstanceOf(CallFuture.class, derived, "stages derived from a call are guarded too");
            List<Callable<Object>> waits = List.of(call::join, call::get, () -> call.get(1, TimeUnit.SECONDS), derived::join);
            for (Callable<Object> wait : waits) {
                Object outcome = io.nextLoop().submit(() -> {
                    long start = System.nanoTime();
                    try {
                        return wait.call();
                    } catch (IllegalStateException e) {
                        return List.of(e.getMessage(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    }
                }).get(5, TimeUnit.SECONDS);
                List<?> refusal = assertInstanceOf(List.class, outcome, () -> "refused, not " + outcome);
                String message = (String) refusal.get(0);
                assertTrue(message.startsWith("waiting for an unfinished call with ") && message.contains("tern-client-io")
                        && message.contains("rpc.consumer.callback-executor"), message);
                assertTrue((Long) refusal.get(1) < 500, "at once: " + refusal.get(1) + " ms");
            }
            assertFalse(call.isDone(), "a refused wait leaves the call alone");

            // off the I/O threads a wait is a wait; once finished, the value may be read anywhere
            io.nextLoop().schedule(() -> call.complete("done"), 20, TimeUnit.MILLISECONDS);
            assertEquals("done", call.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("done", 4), io.nextLoop().submit(() -> List.of(call.join(), derived.join())).get(5, TimeUnit.SECONDS));
        } finally {
            io.shutdown();
        }
    }

    @Test
    void theRefusalOnAServerThreadPointsAtDirectMode() throws Exception {
        Probe refusing = () -> {
            throw IoThreads.blockingRefused("blocking call X.y()");
        };
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Probe.class, refusing, "", "", ExportedService.ExecutionMode.DIRECT));
        try (server; TransportClient client = Calls.client()) {
            server.start();
            MethodCodecs codecs = new MethodCodecs(Probe.class.getMethod("onTernThread"));
            var response = client.connection("127.0.0.1", server.port())
                    .call(new RpcRequest(Probe.class.getName(), "onTernThread", codecs.descriptors(), new Object[0], Map.of()),
                            CallSpec.of(codecs, Serializers.protostuff(), Compression.NONE), 5_000)
                    .get(5, TimeUnit.SECONDS);
            assertEquals(Status.APPLICATION_ERROR, response.status());
            String message = response.message();
            assertTrue(message.contains("blocking call X.y() refused on Tern server I/O thread tern-server-io") && message.contains("DIRECT mode")
                    && message.contains("EXECUTOR mode"), message);
        }
    }
}
