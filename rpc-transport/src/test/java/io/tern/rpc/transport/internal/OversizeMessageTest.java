package io.tern.rpc.transport.internal;

import ch.qos.logback.classic.Level;
import io.netty.channel.Channel;
import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.LeakCheckExtension;
import io.tern.rpc.testsupport.LogCapture;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message over rpc.max-frame-length fails only its own call: the sender checks the size, so the peer never sees
 * an oversized frame and never closes the shared connection under the other calls (issue 12, defect 2).
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OversizeMessageTest {
    private static final int LIMIT = 64 * 1024;

    private static TransportServer server(GreeterImpl impl) {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).maxFrameLength(LIMIT).build());
        server.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        return server.start();
    }

    private static TransportClient client() {
        return new TransportClient(ClientConfig.builder().ioThreads(1).maxFrameLength(LIMIT).build());
    }

    private static ClientConnection ready(TransportClient client, int port) {
        ClientConnection c = client.connection("127.0.0.1", port);
        Poll.until(Duration.ofSeconds(5), "connection READY", () -> c.state() == ClientConnection.State.READY);
        return c;
    }

    @Test
    void aRequestOverTheLimitFailsAtOnceAndTheConnectionKeepsServingTheOtherCalls() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer server = server(impl); TransportClient client = client()) {
            ClientConnection c = ready(client, server.port());
            Channel channel = c.channel();
            CompletableFuture<RpcResponse> inFlight = Calls.slow(c, 300, 10_000);

            String text = "x".repeat(LIMIT);
            Object[] args = {text};
            int frameBytes = Wire.request(1, Serializers.protostuff(), "echoLarge", new Class<?>[]{String.class}, args, Map.of()).length;
            assertTrue(frameBytes > LIMIT, "the request is over the limit: " + frameBytes);
            CompletableFuture<RpcResponse> tooLarge = c.call(Calls.request("echoLarge", new Class<?>[]{String.class}, args, Map.of()),
                    Calls.spec("echoLarge", String.class), 10_000);

            assertTrue(tooLarge.isDone(), "refused at once, on the caller's thread, not sent");
            ExecutionException e = assertThrows(ExecutionException.class, tooLarge::get);
            RpcException refused = assertInstanceOf(RpcException.class, e.getCause());
            assertEquals(Status.BAD_REQUEST, refused.status(), "what a provider answers to a request over one of its limits");
            assertFalse(refused.requestMayHaveRun(), "never sent");
            String message = refused.getMessage();
            assertTrue(message.contains(frameBytes + " bytes") && message.contains(LIMIT + " bytes")
                    && message.contains("rpc.max-frame-length") && message.contains("echoLarge"), message);

            // the call in flight beside it, and the connection, are untouched
            assertEquals("slept 300", inFlight.get(10, TimeUnit.SECONDS).result());
            assertEquals("hello after", Calls.hello(c, "after", 10_000).get(10, TimeUnit.SECONDS).result());
            assertSame(channel, c.channel(), "no reconnect");
            assertTrue(channel.isActive());
            assertEquals(ClientConnection.State.READY, c.state());
            assertEquals(2, impl.calls.get(), "the provider ran the two other calls and never saw the large one");
            Poll.until(Duration.ofSeconds(5), "no call left outstanding", () -> c.pendingCalls() == 0);
        }
    }

    @Test
    void aResultOverTheLimitBecomesAnErrorResponseForThatCallOnly() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer server = server(impl); TransportClient client = client();
             LogCapture serverLog = LogCapture.of(ResponseWriter.class)) {
            ClientConnection c = ready(client, server.port());
            Channel channel = c.channel();
            CompletableFuture<RpcResponse> inFlight = Calls.slow(c, 300, 10_000);

            int people = 20_000; // a small request whose result encodes to a few hundred KiB
            RpcResponse tooLarge = c.call(Calls.request("people", new Class<?>[]{int.class}, new Object[]{people}, Map.of()),
                    Calls.spec("people", int.class), 10_000).get(10, TimeUnit.SECONDS);

            assertEquals(Status.INTERNAL_ERROR, tooLarge.status(), () -> "the method ran; the framework could not send its result: " + tooLarge);
            String message = tooLarge.message();
            assertTrue(message.contains("over this provider's limit of " + LIMIT + " bytes") && message.contains("rpc.max-frame-length"), message);
            assertTrue(message.matches("(?s).*the response is \\d{6,} bytes.*"), "names the size: " + message);
            List<String> warnings = serverLog.messages(Level.WARN);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("rpc.max-frame-length")), "the provider says so: " + warnings);

            assertEquals("slept 300", inFlight.get(10, TimeUnit.SECONDS).result());
            assertEquals(List.of(new Greeter.Person("p0", 0), new Greeter.Person("p1", 1)),
                    c.call(Calls.request("people", new Class<?>[]{int.class}, new Object[]{2}, Map.of()), Calls.spec("people", int.class), 10_000)
                            .get(10, TimeUnit.SECONDS).result());
            assertSame(channel, c.channel(), "no reconnect");
            assertTrue(channel.isActive());
            assertEquals(ClientConnection.State.READY, c.state());
        }
    }
}
