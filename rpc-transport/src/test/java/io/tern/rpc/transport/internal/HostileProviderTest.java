package io.tern.rpc.transport.internal;

import ch.qos.logback.classic.Level;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tern.rpc.RemoteException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.internal.RemoteExceptions;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.LogCapture;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The attacks of {@link HostileClientTest}, turned against a consumer: a malicious provider on a raw socket answers
 * the calls of our {@link TransportClient} with hostile responses (issue 11, "Consumer side too", and SPEC §4 for exception
 * rebuilding). The client has ONE I/O thread, shared by its connection to the hostile provider and its connection to
 * a good provider; while each attack runs, {@link AttackHarness} keeps calling the good provider and requires every
 * call to complete within {@value AttackHarness#LATENCY_BOUND_MS} ms, bounded memory and no fatal errors. The attacked
 * call itself must fail with an {@link RpcException} naming the problem, within {@link #FAIL_BOUND_MS} of the
 * hostile answer: never by its own timeout, never by hanging, never with an Error.
 *
 * <p>Sizes follow {@link HostileClientTest}: quadratic attacks are scaled to cost an undefended consumer one to three
 * seconds each; memory attacks to cross the memory bound without exhausting the shared JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileProviderTest {
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final Duration MIN_ATTACK = Duration.ofMillis(500);
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** The attacked calls' own timeout: long, so a timeout is never mistaken for the clear error expected. */
    private static final long CALL_TIMEOUT_MS = 10_000;
    /** A hostile response must have failed its call this soon after it was written. */
    private static final long FAIL_BOUND_MS = 2_000;

    private static TransportServer good;

    @BeforeAll
    static void startGoodProvider() {
        good = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build());
        good.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        good.start();
    }

    @AfterAll
    static void stopGoodProvider() {
        if (good != null) {
            good.close();
        }
    }

    private static TransportClient client(UnaryOperator<ClientConfig.Builder> custom) {
        return new TransportClient(custom.apply(ClientConfig.builder().ioThreads(1)).build());
    }

    /** A call of a {@link HostileTarget} (or Greeter) method, sent on {@code conn}. */
    private static CompletableFuture<RpcResponse> call(ClientConnection conn, Class<?> iface, Serializer serializer, long timeoutMillis,
                                                       String method, Class<?>[] params, Object... args) {
        MethodCodecs codecs = new MethodCodecs(HostileBodies.method(iface, method, params));
        CallSpec spec = CallSpec.of(codecs, serializer, Compression.NONE);
        return conn.call(new RpcRequest(iface.getName(), method, codecs.descriptors(), args, Map.of()), spec, timeoutMillis);
    }

    /**
     * One round of a response attack: a call goes out on {@code evilConn}, the hostile provider reads it and writes
     * {@code answer.apply(requestId)}; the call must then fail with an RpcException whose message names {@code word}.
     */
    private static void hostileAnswer(AttackHarness.Control c, HostileProvider evil, CompletableFuture<RpcResponse> call,
                                      IntFunction<byte[]> answer, String word) throws Exception {
        RawFrame request = evil.nextRequest(ANSWER);
        evil.send(answer.apply(request.requestId()));
        long sentAt = System.nanoTime();
        RpcException e = awaitFailure(call, sentAt);
        c.note("failed after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt) + " ms");
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                () -> "the call's error should name '" + word + "': " + e.getMessage());
    }

    /** The call must fail with an RpcException within {@link #FAIL_BOUND_MS} of {@code sentAt}. */
    private static RpcException awaitFailure(CompletableFuture<RpcResponse> call, long sentAt) throws InterruptedException {
        RpcResponse r;
        try {
            r = call.get(FAIL_BOUND_MS + 3_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            Throwable cause = e.getCause();
            if (AttackHarness.isFatal(cause)) {
                throw new AssertionError("the call failed with an Error: " + cause, cause);
            }
            RpcException rpc = assertInstanceOf(RpcException.class, cause, () -> "the call failed, but not with an RpcException: " + cause);
            assertFalse(rpc instanceof RpcTimeoutException, () -> "the call only failed by its own timeout: " + rpc.getMessage());
            assertTrue(ms <= FAIL_BOUND_MS, () -> "the call failed only " + ms + " ms after the hostile answer (bound " + FAIL_BOUND_MS + " ms)");
            return rpc;
        } catch (TimeoutException e) {
            throw new AssertionError("the call neither completed nor failed within " + (FAIL_BOUND_MS + 3_000) + " ms of the hostile answer");
        }
        Object result = r.result();
        throw new AssertionError("the call succeeded (" + r.status() + (result == null ? "" : ", a " + result.getClass().getName()) + ")");
    }

    // ---------------------------------------------------------------- Kryo pre-allocation

    @Test
    void kryoPreallocationInAResultFailsTheCall() throws Exception {
        byte[] result = HostileBodies.kryoPreallocation(HostileBodies.kryoResultCodec(HostileBodies.method(HostileTarget.class, "names")),
                20, 4_000_000, 4_000_064);
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: kryo pre-allocation result", LIMIT, c -> c.repeat(MIN_ATTACK, 3, i -> hostileAnswer(c, evil,
                        call(evilConn, HostileTarget.class, Serializers.kryo(), CALL_TIMEOUT_MS, "names", new Class<?>[0]),
                        id -> HostileBodies.response(id, 2, true, HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, result)), "budget")))
                        .assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- attachment flood

    @Test
    void attachmentFloodInAResponseFailsTheCall() throws Exception {
        byte[] body = HostileBodies.okResponseBody(HostileBodies.attachmentFlood(24_000, 86), HostileBodies.typedString("hello x"));
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: attachment flood", LIMIT, c -> c.repeat(MIN_ATTACK, 3, i -> hostileAnswer(c, evil,
                        call(evilConn, Greeter.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "hello", new Class<?>[]{String.class}, "x"),
                        id -> HostileBodies.response(id, 1, false, body), "attachment")))
                        .assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- numbers

    @Test
    void hugeNumberInAResultFailsTheCall() throws Exception {
        byte[] digits = HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, HostileBodies.typedNumber(250_000));
        byte[] scale = HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, HostileBodies.typedString("1E-999999999"));
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: huge numbers", LIMIT, c -> c.repeat(MIN_ATTACK, 3, i -> {
                    hostileAnswer(c, evil, call(evilConn, HostileTarget.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "number", new Class<?>[0]),
                            id -> HostileBodies.response(id, 1, true, digits), "digits");
                    hostileAnswer(c, evil, call(evilConn, HostileTarget.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "number", new Class<?>[0]),
                            id -> HostileBodies.response(id, 1, false, scale), "scale");
                })).assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- arrays in Protostuff POJOs

    @Test
    void arrayAnnouncingMaxIntElementsInAResultPojoFailsTheCall() throws Exception {
        byte[] ints = HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, HostileBodies.protostuffArrayField(1, Integer.MAX_VALUE));
        byte[] strings = HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, HostileBodies.protostuffArrayField(2, Integer.MAX_VALUE));
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: arrays of 2^31-1", LIMIT, c -> c.repeat(MIN_ATTACK, 50, i -> {
                    hostileAnswer(c, evil, call(evilConn, HostileTarget.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "arrays", new Class<?>[0]),
                            id -> HostileBodies.response(id, 1, false, ints), "budget");
                    hostileAnswer(c, evil, call(evilConn, HostileTarget.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "arrays", new Class<?>[0]),
                            id -> HostileBodies.response(id, 1, false, strings), "budget");
                })).assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- exception rebuilding (SPEC §4)

    @Test
    void errorChainNamingErrorsOrClassesOutsideTheAllowedPackagesIsRebuiltAsRemoteExceptions() throws Exception {
        String outside = "io.tern.rpc.testsupport.GreeterCustomException"; // on the class path, an Exception, in no allowed package
        byte[] body = HostileBodies.errorResponseBody("java.lang.OutOfMemoryError", "chosen by the provider",
                outside, "from outside the allowed packages", "java.lang.StackOverflowError", "also chosen");
        List<String> allowedPackages = List.of(HostileTarget.class.getPackageName());
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: error chain naming Errors", LIMIT, c -> c.repeat(MIN_ATTACK, 500, i -> {
                    // the ProxyHandler (rpc-cluster) is not reachable from here: this is its path, decode then rebuild
                    CompletableFuture<RpcResponse> call = call(evilConn, HostileTarget.class, Serializers.protostuff(), CALL_TIMEOUT_MS,
                            "number", new Class<?>[0]);
                    RawFrame request = evil.nextRequest(ANSWER);
                    evil.send(HostileBodies.response(request.requestId(), 1, false, body));
                    RpcResponse r = call.get(FAIL_BOUND_MS, TimeUnit.MILLISECONDS);
                    assertEquals(Status.APPLICATION_ERROR, r.status());
                    Throwable t = RemoteExceptions.rebuild(r.errors(), Serializers.allowList(), HostileTarget.class.getClassLoader(), allowedPackages);
                    for (Throwable k = t; k != null; k = k.getCause()) {
                        Throwable link = k;
                        assertFalse(link instanceof Error, () -> "a provider made the consumer build an Error: " + link);
                    }
                    RemoteException top = assertInstanceOf(RemoteException.class, t, () -> "rebuilt as " + t);
                    assertEquals("java.lang.OutOfMemoryError", top.remoteClassName());
                    RemoteException middle = assertInstanceOf(RemoteException.class, t.getCause(), () -> "cause rebuilt as " + t.getCause());
                    assertEquals(outside, middle.remoteClassName());
                    RemoteException last = assertInstanceOf(RemoteException.class, t.getCause().getCause(), () -> "root rebuilt as " + t.getCause().getCause());
                    assertEquals("java.lang.StackOverflowError", last.remoteClassName());
                })).assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- codec mismatch

    @Test
    void responseInAnotherCodecThanItsRequestFailsTheCall() throws Exception {
        // a well-formed protostuff answer to a protostuff call, but labelled KRYO
        byte[] body = HostileBodies.okResponseBody(HostileBodies.NO_ATTACHMENTS, HostileBodies.typedString("hello x"));
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: response codec differs", LIMIT, c -> c.repeat(MIN_ATTACK, 500, i -> hostileAnswer(c, evil,
                        call(evilConn, Greeter.class, Serializers.protostuff(), CALL_TIMEOUT_MS, "hello", new Class<?>[]{String.class}, "x"),
                        id -> HostileBodies.response(id, 2, false, body), "codec")))
                        .assertHeld();
            }
        }
    }

    // ---------------------------------------------------------------- a provider that sends without reading

    @Test
    void pingFloodFromAProviderThatNeverReadsIsStoppedAndClosed() throws Exception {
        byte[] chunk = new byte[HostileConnection.CHUNK];
        for (int i = 0; i < chunk.length / FrameHeader.LENGTH; i++) {
            System.arraycopy(Wire.ping(i), 0, chunk, i * FrameHeader.LENGTH, FrameHeader.LENGTH);
        }
        long heartbeatMs = 500; // the consumer closes a connection with no inbound bytes for 3 heartbeats
        try (AutoCloseable sampled = AttackHarness.sampledLeakDetection(); HostileProvider evil = new HostileProvider(4096);
             LogCapture log = LogCapture.of(ClientConnection.class);
             TransportClient client = client(b -> b.heartbeatInterval(Duration.ofMillis(heartbeatMs)))) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            Poll.until(Duration.ofSeconds(5), "the consumer's connection to the hostile provider", () -> evilConn.state() == ClientConnection.State.READY);
            Socket provider = evil.connection(ANSWER);
            provider.setSendBufferSize(64 * 1024);
            Channel channel = channelOf(evilConn);
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: PING flood without reading", LIMIT, c -> floodConsumer(c, evil, channel, chunk, heartbeatMs)).assertHeld();
            }
            assertTrue(log.messages(Level.WARN).stream().anyMatch(m -> m.contains("sends PINGs without reading the PONGs")),
                    () -> "the flood was not reported: " + log.messages(Level.WARN));
        }
    }

    private static void floodConsumer(AttackHarness.Control c, HostileProvider evil, Channel channel, byte[] chunk, long heartbeatMs)
            throws Exception {
        long cap = 96L * 1024 * 1024; // far beyond every socket buffer on the path: reaching it means nobody stopped reading
        long maxPendingPongs = 2L * 1024 * 1024; // one read loop's worth of PINGs (16 x 64 KiB) answered, plus the watermark
        try {
            AtomicLong pushed = new AtomicLong();
            AtomicLong failedAt = new AtomicLong(-1);
            Thread writer = new Thread(() -> {
                try {
                    while (pushed.get() < cap && !c.stopRequested()) {
                        evil.send(chunk);
                        pushed.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    failedAt.set(System.nanoTime()); // the consumer closed the connection
                }
            }, "provider-flood-writer");
            writer.setDaemon(true);
            writer.start();
            // sampled until the consumer closes the connection (the blocked write fails) or the window ends
            long maxPending = 0;
            long window = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * heartbeatMs + 6_000);
            while (writer.isAlive() && System.nanoTime() - window < 0) {
                maxPending = Math.max(maxPending, pendingOutbound(channel));
                if (maxPending > maxPendingPongs) {
                    break; // the consumer keeps answering into a peer that does not read: stop before the JVM suffers
                }
                TimeUnit.MILLISECONDS.sleep(5); // pacing the sampler
            }
            c.note("pushed " + (pushed.get() >> 20) + " MiB, consumer's pending PONGs peaked at " + (maxPending >> 10) + " KiB");
            long peak = maxPending;
            assertTrue(peak <= maxPendingPongs, () -> "the consumer buffered " + (peak >> 10) + " KiB of PONGs for a provider that never reads");
            assertTrue(pushed.get() < cap && !c.stopRequested(), () -> "the consumer kept reading a provider that never reads: "
                    + (pushed.get() >> 20) + " MiB pushed" + (c.stopRequested() ? " (stopped by the memory bound)" : ""));
            assertTrue(failedAt.get() > 0, "the consumer did not close a connection it stopped reading within " + (3 * heartbeatMs + 6_000) + " ms");
        } finally {
            evil.close(); // unblocks the writer whatever happened
        }
    }

    /** The channel of a client connection: the tests need to see its outbound buffer. */
    private static Channel channelOf(ClientConnection conn) {
        return conn.channel();
    }

    private static long pendingOutbound(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    // ---------------------------------------------------------------- slow and partial response frame

    @Test
    void slowPartialResponseFrameFailsTheCallByItsDeadline() throws Exception {
        long callTimeout = 1_000;
        byte[] mostOfIt = new byte[6 * 1024 * 1024];
        try (HostileProvider evil = new HostileProvider(0); TransportClient client = client(b -> b)) {
            ClientConnection evilConn = client.connection("127.0.0.1", evil.port());
            try (AttackHarness h = AttackHarness.onConsumer(client.connection("127.0.0.1", good.port()))) {
                h.run("consumer: slow partial response", LIMIT, c -> {
                    CompletableFuture<RpcResponse> call = call(evilConn, Greeter.class, Serializers.protostuff(), callTimeout, "hello",
                            new Class<?>[]{String.class}, "x");
                    RawFrame request = evil.nextRequest(ANSWER);
                    long start = System.nanoTime();
                    evil.send(Wire.header(FrameHeader.MAGIC, FrameHeader.VERSION, 8 * 1024 * 1024, MessageType.RESPONSE, 1, 0, request.requestId()));
                    evil.send(mostOfIt);
                    int trickled = 0;
                    while (!call.isDone() || c.elapsedMillis() < 1500) {
                        if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) > callTimeout + 3_000 || c.stopRequested()) {
                            break;
                        }
                        evil.send(new byte[1]); // one byte every 50 ms: the frame never completes, the link never idles
                        trickled++;
                        TimeUnit.MILLISECONDS.sleep(50); // pacing the trickle
                    }
                    c.note("trickled " + trickled + " bytes");
                    try {
                        RpcResponse r = call.get(0, TimeUnit.MILLISECONDS);
                        fail("a call whose response never completed succeeded: " + r.status());
                    } catch (ExecutionException e) {
                        RpcException rpc = assertInstanceOf(RpcException.class, e.getCause());
                        assertTrue(rpc.getMessage().contains("timed out"), () -> "the call should fail by its deadline: " + rpc.getMessage());
                    } catch (TimeoutException e) {
                        fail("the call did not fail within " + (callTimeout + 3_000) + " ms, although its timeout was " + callTimeout + " ms");
                    }
                }).assertHeld();
            }
        }
    }
}
