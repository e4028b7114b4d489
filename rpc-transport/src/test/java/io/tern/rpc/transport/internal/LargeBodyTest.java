package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.testsupport.LeakCheckExtension;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large bodies are decoded off the I/O thread, and a compressed request is inflated only as far as its head
 * until its token has been checked (issue 11: authentication before work; work off the I/O thread).
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LargeBodyTest {
    /** Answers with the name of the thread that ran it. */
    public interface Where {
        String threadOf(String payload);

        String payloadOf(int length);

        String block(String payload);
    }

    static final class WhereImpl implements Where {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);

        @Override
        public String threadOf(String payload) {
            return Thread.currentThread().getName() + "/" + payload.length();
        }

        @Override
        public String payloadOf(int length) {
            return "x".repeat(length);
        }

        @Override
        public String block(String payload) {
            blocked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        }
    }

    private static TransportServer server(ServerConfig.Builder config, WhereImpl impl, ExportedService.ExecutionMode mode) {
        TransportServer server = new TransportServer(config.host("127.0.0.1").port(0).ioThreads(1).build());
        server.export(ExportedService.of(Where.class, impl, "", "", mode));
        return server.start();
    }

    private static MethodCodecs codecs(String name, Class<?> param) throws NoSuchMethodException {
        return new MethodCodecs(Where.class.getMethod(name, param));
    }

    private static byte[] request(int id, String method, Class<?> param, Object arg, Compression compression, Map<String, String> attachments)
            throws Exception {
        MethodCodecs codecs = codecs(method, param);
        return Wire.request(id, Serializers.protostuff(), compression,
                new RpcRequest(Where.class.getName(), method, codecs.descriptors(), new Object[]{arg}, attachments),
                codecs.argCodecs(Serializers.protostuff()));
    }

    private static Object result(RawFrame f, String method, Class<?> param) throws Exception {
        ValueCodec codec = codecs(method, param).resultCodec(Serializers.protostuff());
        RpcResponse r = f.response(codec);
        assertEquals(Status.OK, r.status(), () -> "response " + r);
        return r.result();
    }

    @Test
    void aSmallDirectCallRunsOnTheIoThreadAndALargeOneOnABusinessThread() throws Exception {
        try (TransportServer server = server(ServerConfig.builder(), new WhereImpl(), ExportedService.ExecutionMode.DIRECT);
             RawConnection c = new RawConnection(server.port())) {
            String small = (String) result(c.call(request(1, "threadOf", String.class, "hi", Compression.NONE, Map.of()), 1), "threadOf", String.class);
            assertTrue(small.startsWith("tern-server-io"), small);
            String big = "y".repeat(RequestRouter.INLINE_BODY_BYTES + 1);
            String large = (String) result(c.call(request(2, "threadOf", String.class, big, Compression.NONE, Map.of()), 2), "threadOf", String.class);
            assertTrue(large.startsWith("tern-server-biz") && large.endsWith("/" + big.length()), large);
            // compressed: 1 MiB of one letter is a few KiB on the wire, but it inflates past the inline limit
            String huge = "z".repeat(1 << 20);
            String zipped = (String) result(c.call(request(3, "threadOf", String.class, huge, Compression.gzip(1024), Map.of()), 3), "threadOf", String.class);
            assertTrue(zipped.startsWith("tern-server-biz") && zipped.endsWith("/" + huge.length()), zipped);
            c.ping(4);
        }
    }

    @Test
    void aCompressedRequestWithoutTheTokenIsRefusedBeforeItsBodyIsInflated() throws Exception {
        try (TransportServer server = server(ServerConfig.builder().authToken("s3cret"), new WhereImpl(), ExportedService.ExecutionMode.EXECUTOR);
             RawConnection c = new RawConnection(server.port())) {
            byte[] random = new byte[1 << 20];
            new Random(7).nextBytes(random);
            String payload = new String(random, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (boolean withToken : new boolean[]{false, true}) {
                byte[] frame = request(withToken ? 2 : 1, "threadOf", String.class, payload, Compression.gzip(1024),
                        withToken ? Map.of(RpcRequest.AUTH_TOKEN, "s3cret") : Map.of());
                frame[frame.length - 5] ^= 0x5A; // the gzip trailer's CRC: only an inflation to the very end notices
                RawFrame f = c.call(frame, withToken ? 2 : 1);
                assertEquals(Status.BAD_REQUEST, f.status());
                String message = f.response(null).errors().get(0).message();
                if (withToken) {
                    assertTrue(message.contains("bad gzip body"), "with the token the whole body is inflated: " + message);
                } else {
                    assertTrue(message.contains("authentication failed"), "refused on its head alone, not inflated to the end: " + message);
                }
            }
            assertEquals(1, server.authRefusals());
            c.ping(3);
        }
    }

    @Test
    void largeBodiesWaitingForADecodeThreadAreBoundedByTheBufferedBytesBudget() throws Exception {
        WhereImpl impl = new WhereImpl();
        int maxFrame = 1 << 20;
        ServerConfig.Builder config = ServerConfig.builder().executorThreads(1).executorParallelism(1).executorQueue(8)
                .maxFrameLength(maxFrame).maxBufferedBytes(2 * maxFrame + maxFrame / 2);
        try (TransportServer server = server(config, impl, ExportedService.ExecutionMode.EXECUTOR);
             RawConnection c = new RawConnection(server.port())) {
            c.send(request(1, "block", String.class, "hold the only business thread", Compression.NONE, Map.of()));
            assertTrue(impl.blocked.await(10, TimeUnit.SECONDS));
            // a compressed large body arrives in one read and holds a max frame (what it may inflate to) while queued
            String big = "q".repeat(600 * 1024);
            // one at a time, each once the previous one is held: a frame still arriving is counted too, and would make
            // the refusal come one body early
            c.send(request(2, "threadOf", String.class, big, Compression.gzip(1024), Map.of())); // holds 1 MiB of 2.5
            awaitHeld(server, maxFrame);
            c.send(request(3, "threadOf", String.class, big, Compression.gzip(1024), Map.of())); // 2 MiB
            awaitHeld(server, 2L * maxFrame);
            c.send(request(4, "threadOf", String.class, big, Compression.gzip(1024), Map.of())); // 3 MiB: over the budget
            RawFrame busy = c.readFrame();
            assertEquals(4, busy.requestId(), () -> "the first answer is the refusal of the third large body: " + busy);
            assertEquals(Status.SERVER_BUSY, busy.status());
            assertTrue(busy.response(null).errors().get(0).message().contains("rpc.server.max-buffered-bytes"));
            impl.release.countDown();
            for (int i = 0; i < 3; i++) {
                RawFrame f = c.readFrame();
                assertEquals(Status.OK, f.status(), f::toString);
            }
            assertEquals(0, server.inboundBudget().used(), "every reservation was given back");
            c.ping(5);
        }
    }

    @Test
    void aLargeResponseIsDecodedOffTheClientIoThread() throws Exception {
        try (TransportServer server = server(ServerConfig.builder(), new WhereImpl(), ExportedService.ExecutionMode.EXECUTOR);
             TransportClient client = Calls.client()) {
            ClientConnection c = client.connection("127.0.0.1", server.port());
            MethodCodecs codecs = codecs("payloadOf", int.class);
            CallSpec spec = CallSpec.of(codecs, Serializers.protostuff(), Compression.NONE);
            for (int length : new int[]{10, 1 << 20}) {
                CompletableFuture<String> thread = c.call(new RpcRequest(Where.class.getName(), "payloadOf", codecs.descriptors(),
                                new Object[]{length}, Map.of()), spec, 10_000)
                        .thenApply(r -> Thread.currentThread().getName() + "/" + ((String) r.result()).length());
                String where = thread.get(10, TimeUnit.SECONDS);
                assertTrue(where.endsWith("/" + length), where);
                assertTrue(where.startsWith(length > ResponseReader.INLINE_BODY_BYTES ? "tern-client-decode" : "tern-client-io"), where);
            }
        }
    }

    /** Polls until the provider's inbound budget holds at least {@code bytes} (queued large bodies). */
    private static void awaitHeld(TransportServer server, long bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.inboundBudget().used() < bytes) {
            assertTrue(System.nanoTime() < deadline, "the provider holds " + bytes + " bytes of queued bodies within 10 s, holds "
                    + server.inboundBudget().used());
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // poll every millisecond
        }
    }
}
