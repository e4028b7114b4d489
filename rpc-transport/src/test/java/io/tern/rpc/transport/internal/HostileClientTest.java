package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile clients against a provider (issue 11, SPEC §2 limits and bad-input rows): an attacker with network access and
 * no token, using raw sockets only, one test per attack. Each test starts its own provider with ONE I/O thread, so the
 * probes share the attacked connection's I/O thread and any stall shows, and runs the attack through
 * {@link AttackHarness}: while it runs, a PING on a fresh connection and a {@code hello} call on another connection
 * must each be answered within {@value AttackHarness#LATENCY_BOUND_MS} ms, memory must stay within the harness's
 * bounds, and no OutOfMemoryError or StackOverflowError may appear; the attacked connection must get BAD_REQUEST or be
 * closed as the SPEC says. The bounds and their justification are on {@link AttackHarness}.
 *
 * <p>Attacks that cost an undefended provider CPU time quadratic in their size (attachment keys, number digits) are
 * scaled so that one request costs it one to three seconds instead of minutes: the verdict is the same (a defended
 * provider refuses them at once), and the suite stays bounded when a defence is missing. Attacks that cost memory are
 * sized so an undefended provider crosses the memory bound without exhausting the shared test JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileClientTest {
    /** Longest wait for the attacked connection's own answer. */
    private static final Duration ANSWER = Duration.ofSeconds(10);
    /** How long every attack keeps going at least, so the probes have something to measure. */
    private static final Duration MIN_ATTACK = Duration.ofMillis(500);
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int PROTOSTUFF = 1;
    private static final int KRYO = 2;
    private static final String TOKEN = "s3cret";

    /** Kryo pre-allocation: 20 lists of 4 M nulls, about 320 MB of reference arrays, from a body that gzips to 4 KB. */
    private static final int KRYO_LISTS = 20;
    private static final int KRYO_NULLS_PER_LIST = 4_000_000;
    /** Attachment flood: 2 MiB requests of 24k distinct keys (the 350k would stall an undefended provider for minutes). */
    private static final int FLOOD_KEYS = 24_000;
    private static final int FLOOD_KEY_BYTES = 86;
    private static final int FLOOD_REQUESTS = 2;
    /** Numbers: 250k digits parse in about 1.3 s (quadratic) on an undefended provider; the millions take minutes. */
    private static final int NUMBER_DIGITS = 250_000;
    /** Log flooding: events per attack, and the most WARN lines the provider may write for them. */
    private static final int FLOOD_EVENTS = 10_000;
    private static final int MAX_WARN_LINES = 20;
    /** The word a rate-limited log line uses for the number of lines it stands for. */
    private static final String SUPPRESSED_WORD = "suppressed";

    private static TransportServer server(UnaryOperator<ServerConfig.Builder> custom) {
        ServerConfig.Builder b = ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).executorThreads(8)
                .idleTimeout(Duration.ofSeconds(30));
        TransportServer s = new TransportServer(custom.apply(b).build());
        s.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        s.export(ExportedService.of(HostileTarget.class, new HostileTarget.Impl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        return s.start();
    }

    private static TransportServer server() {
        return server(b -> b);
    }

    /** The frame is a RESPONSE with BAD_REQUEST whose message contains every word (case-insensitive). */
    private static void assertBadRequest(RawFrame f, String... words) {
        assertEquals(MessageType.RESPONSE, f.type(), () -> "expected a RESPONSE, got " + f);
        assertEquals(Status.BAD_REQUEST, f.status(), () -> "status of the answer" + (f.status() == Status.OK ? " (the request ran)"
                : " (" + f.response(null).message() + ")"));
        RpcResponse r = f.response(null);
        String message = r.message().toLowerCase(Locale.ROOT);
        for (String w : words) {
            assertTrue(message.contains(w.toLowerCase(Locale.ROOT)), () -> "BAD_REQUEST message should name '" + w + "': " + r.message());
        }
    }

    // ---------------------------------------------------------------- the evil bytes are what they claim to be

    @Test
    void hostileBodiesAreWellFormedForTheRealDecoders() throws Exception {
        // a small version of each evil layout decodes as intended with the real codecs used directly (no budget open),
        // so a refusal in the attack tests is the defence at work, not a malformed test body
        ValueCodec totalArg = HostileBodies.kryoArgCodec(TOTAL);
        Object lists = totalArg.read(Unpooled.wrappedBuffer(HostileBodies.kryoPreallocation(totalArg, 2, 3, 8)));
        assertEquals(List.of(java.util.Arrays.asList(null, null, null), java.util.Arrays.asList(null, null, null)), lists);

        ByteBuf ints = Unpooled.wrappedBuffer(HostileBodies.protostuffOneIntArray(1, 42));
        HostileTarget.ArrayHolder h = (HostileTarget.ArrayHolder) Serializers.protostuff().codecFor(HostileTarget.ArrayHolder.class).read(ints);
        assertArrayEquals(new int[]{42}, h.values);
        assertNull(h.names);

        ByteBuf amount = Unpooled.wrappedBuffer(HostileBodies.protostuffStringField("12.5"));
        HostileTarget.Amount a = (HostileTarget.Amount) Serializers.protostuff().codecFor(HostileTarget.Amount.class).read(amount);
        assertEquals(new BigDecimal("12.5"), a.value);

        ByteBuf attachments = Unpooled.wrappedBuffer(HostileBodies.attachmentFlood(3, 20));
        assertEquals(3, MessageCodec.decodeAttachments(attachments).size());

        ByteBuf number = Unpooled.wrappedBuffer(HostileBodies.typedNumber(30));
        assertEquals(new BigInteger(HostileBodies.digitString(30)), Serializers.protostuff().codecFor(BigInteger.class).read(number));

        // and the full requests are answered by a provider when they are small
        try (TransportServer s = server(b -> b.serializations("protostuff", "kryo")); HostileConnection c = HostileConnection.open(s.port())) {
            RawFrame ok = c.send(HostileBodies.request(1, PROTOSTUFF, false, Wire.concat(
                    HostileBodies.routingPrefix(HostileTarget.class, "count", HostileTarget.ArrayHolder.class), HostileBodies.NO_ATTACHMENTS,
                    HostileBodies.protostuffOneIntArray(1, 42)))).awaitResponse(1, ANSWER);
            assertEquals(Status.OK, ok.status(), () -> "count(holder) answered " + ok.response(null).message());
            RawFrame hello = c.send(HostileBodies.request(2, PROTOSTUFF, true, HostileBodies.helloBody(HostileBodies.attachmentFlood(3, 20), "x")))
                    .awaitResponse(2, ANSWER);
            assertEquals(Status.OK, hello.status(), () -> "hello with 3 attachments answered " + hello.response(null).message());
        }
    }

    // ---------------------------------------------------------------- 1. Kryo pre-allocation

    private static final java.lang.reflect.Method TOTAL = HostileBodies.method(Greeter.class, "total", List.class);

    /** {@code total(List<BigDecimal>)} with the pre-allocation list as its argument, gzip-compressed. */
    private static byte[] kryoPreallocationRequest(int id) {
        byte[] body = Wire.concat(HostileBodies.routingPrefix(Greeter.class, "total", List.class), HostileBodies.NO_ATTACHMENTS,
                HostileBodies.kryoPreallocation(HostileBodies.kryoArgCodec(TOTAL), KRYO_LISTS, KRYO_NULLS_PER_LIST, KRYO_NULLS_PER_LIST + 64));
        return HostileBodies.request(id, KRYO, true, body);
    }

    @Test
    void kryoPreallocationIsRefusedWhenKryoIsEnabled() throws Exception {
        byte[] frame = kryoPreallocationRequest(11);
        try (TransportServer s = server(b -> b.serializations("protostuff", "kryo")); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("kryo pre-allocation, kryo enabled", LIMIT, c -> {
                c.note("request frame " + frame.length + " bytes");
                c.repeat(MIN_ATTACK, 3, i -> {
                    try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                        assertBadRequest(a.send(frame).awaitResponse(11, ANSWER));
                        a.ping(12, ANSWER); // SPEC: BAD_REQUEST, and the connection stays open
                    }
                });
            }).assertHeld();
        }
    }

    @Test
    void kryoPreallocationToAProtostuffOnlyProviderIsRefusedNamingTheCodecAndTheProperty() throws Exception {
        byte[] frame = kryoPreallocationRequest(13);
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("kryo pre-allocation, protostuff only", LIMIT, c -> c.repeat(MIN_ATTACK, 3, i -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    assertBadRequest(a.send(frame).awaitResponse(13, ANSWER), "kryo", "rpc.server.serializations");
                    a.ping(14, ANSWER);
                }
            })).assertHeld();
        }
    }

    // ---------------------------------------------------------------- 8. disabled codec

    @Test
    void kryoRequestToAProtostuffOnlyProviderGetsBadRequestNamingTheCodecAndTheProperty() throws Exception {
        byte[] hello = Wire.request(15, Serializers.kryo(), "hello", new Class<?>[]{String.class}, new Object[]{"x"}, Map.of());
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("disabled codec kryo", LIMIT, c -> c.repeat(MIN_ATTACK, 200, i -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    assertBadRequest(a.send(hello).awaitResponse(15, ANSWER), "kryo", "rpc.server.serializations");
                    a.ping(16, ANSWER);
                }
            })).assertHeld();
        }
    }

    @Test
    void protostuffRequestToAKryoOnlyProviderGetsBadRequestNamingTheCodecAndTheProperty() throws Exception {
        byte[] hello = Wire.hello(17, "x");
        try (TransportServer s = server(b -> b.serializations("kryo"));
             AttackHarness h = AttackHarness.onProvider(s.port(), null, Serializers.kryo())) {
            h.run("disabled codec protostuff", LIMIT, c -> c.repeat(MIN_ATTACK, 200, i -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    assertBadRequest(a.send(hello).awaitResponse(17, ANSWER), "protostuff", "rpc.server.serializations");
                    a.ping(18, ANSWER);
                }
            })).assertHeld();
        }
    }

    // ---------------------------------------------------------------- 2. attachment flood before authentication

    /** Sends {@link #FLOOD_REQUESTS} flood requests at once on separate connections; each must get a quick BAD_REQUEST. */
    private static void attachmentFlood(AttackHarness.Control c, int port, byte[][] frames, String... words) throws Exception {
        List<HostileConnection> conns = new ArrayList<>();
        try {
            for (byte[] f : frames) {
                conns.add(c.track(HostileConnection.open(port)));
            }
            long[] sentAt = new long[frames.length];
            for (int k = 0; k < frames.length; k++) {
                conns.get(k).send(frames[k]);
                sentAt[k] = System.nanoTime();
            }
            for (int k = 0; k < frames.length; k++) {
                RawFrame f = conns.get(k).awaitResponse(100 + k, ANSWER);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt[k]);
                c.note("answer " + k + " after " + ms + " ms");
                assertBadRequest(f, words);
                assertTrue(ms < 1000, "the flood request was answered only after " + ms + " ms");
                conns.get(k).ping(200 + k, ANSWER);
            }
        } finally {
            for (HostileConnection a : conns) {
                a.close();
            }
        }
    }

    private static byte[][] floodFrames(boolean gzip) {
        byte[] body = HostileBodies.helloBody(HostileBodies.attachmentFlood(FLOOD_KEYS, FLOOD_KEY_BYTES), "x");
        byte[][] frames = new byte[FLOOD_REQUESTS][];
        for (int k = 0; k < FLOOD_REQUESTS; k++) {
            frames[k] = HostileBodies.request(100 + k, PROTOSTUFF, gzip, body);
        }
        return frames;
    }

    @Test
    void attachmentFloodIsRefusedAtTheAttachmentLimits() throws Exception {
        byte[][] frames = floodFrames(false);
        assertTrue(frames[0].length >= 2 * 1024 * 1024, "flood requests are 2 MiB");
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("attachment flood, no token", LIMIT, c -> c.repeat(MIN_ATTACK, 10, i -> attachmentFlood(c, s.port(), frames, "attachment")))
                    .assertHeld();
        }
    }

    @Test
    void attachmentFloodWithoutTokenIsRefusedQuicklyWhenATokenIsRequired() throws Exception {
        byte[][] frames = floodFrames(false);
        try (TransportServer s = server(b -> b.authToken(TOKEN)); AttackHarness h = AttackHarness.onProvider(s.port(), TOKEN, Serializers.protostuff())) {
            h.run("attachment flood, token required", LIMIT, c -> c.repeat(MIN_ATTACK, 10, i -> attachmentFlood(c, s.port(), frames)))
                    .assertHeld();
        }
    }

    @Test
    void compressedRequestWithoutTokenIsRefusedBeforeItsBodyIsInflated() throws Exception {
        // a valid envelope without a token, then an argument that inflates far past the max frame length: a provider
        // that checks the token before inflating the whole body answers "no token"; one that inflates first answers
        // "decompressed body exceeds the max" (or worse)
        byte[] head = Wire.concat(HostileBodies.routingPrefix(Greeter.class, "hello", String.class), HostileBodies.callAttachments(null),
                new byte[]{1}, HostileBodies.varint(64 * 1024 * 1024 + 1));
        byte[] frame = Wire.frame(MessageType.REQUEST, PROTOSTUFF, 1, 19, gzipThenZeros(head, 64 * 1024 * 1024));
        try (TransportServer s = server(b -> b.authToken(TOKEN)); AttackHarness h = AttackHarness.onProvider(s.port(), TOKEN, Serializers.protostuff())) {
            h.run("gzip body without token", LIMIT, c -> {
                c.note("request frame " + frame.length + " bytes");
                c.repeat(MIN_ATTACK, 200, i -> {
                    try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                        assertBadRequest(a.send(frame).awaitResponse(19, ANSWER), "token");
                        a.ping(20, ANSWER);
                    }
                });
            }).assertHeld();
        }
    }

    /** {@code head} followed by {@code zeros} zero bytes, gzip-compressed without ever holding the zeros in memory. */
    private static byte[] gzipThenZeros(byte[] head, int zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 64 * 1024)) {
            gz.write(head);
            for (int left = zeros; left > 0; left -= chunk.length) {
                gz.write(chunk, 0, Math.min(chunk.length, left));
            }
        }
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------- 3. numbers

    @Test
    void hugeNumbersAreRefusedBeforeTheyAreParsed() throws Exception {
        byte[] digits = HostileBodies.typedNumber(NUMBER_DIGITS);
        byte[] bigDecimal = HostileBodies.request(21, PROTOSTUFF, true, Wire.concat(
                HostileBodies.routingPrefix(HostileTarget.class, "signum", BigDecimal.class), HostileBodies.NO_ATTACHMENTS, digits));
        byte[] bigInteger = HostileBodies.request(22, PROTOSTUFF, true, Wire.concat(
                HostileBodies.routingPrefix(HostileTarget.class, "bitLength", BigInteger.class), HostileBodies.NO_ATTACHMENTS, digits));
        byte[] field = HostileBodies.request(23, PROTOSTUFF, true, Wire.concat(
                HostileBodies.routingPrefix(HostileTarget.class, "amountSignum", HostileTarget.Amount.class), HostileBodies.NO_ATTACHMENTS,
                HostileBodies.protostuffStringField(HostileBodies.digitString(NUMBER_DIGITS))));
        byte[] scale = HostileBodies.request(24, PROTOSTUFF, false, Wire.concat(
                HostileBodies.routingPrefix(HostileTarget.class, "signum", BigDecimal.class), HostileBodies.NO_ATTACHMENTS,
                HostileBodies.typedString("1E-999999999")));
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("huge numbers", LIMIT, c -> {
                c.note("digit requests " + bigDecimal.length + " bytes on the wire");
                c.repeat(MIN_ATTACK, 50, i -> {
                    try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                        assertBadRequest(a.send(bigDecimal).awaitResponse(21, ANSWER), "digits");
                        assertBadRequest(a.send(bigInteger).awaitResponse(22, ANSWER), "digits");
                        assertBadRequest(a.send(field).awaitResponse(23, ANSWER), "digits");
                        assertBadRequest(a.send(scale).awaitResponse(24, ANSWER), "scale");
                        a.ping(25, ANSWER);
                    }
                });
            }).assertHeld();
        }
    }

    // ---------------------------------------------------------------- 5. arrays inside Protostuff POJOs

    @Test
    void arraysInAProtostuffPojoAnnouncingMaxIntElementsAreRefused() throws Exception {
        byte[] prefix = HostileBodies.routingPrefix(HostileTarget.class, "count", HostileTarget.ArrayHolder.class);
        byte[] ints = HostileBodies.request(31, PROTOSTUFF, false, Wire.concat(prefix, HostileBodies.NO_ATTACHMENTS,
                HostileBodies.protostuffArrayField(1, Integer.MAX_VALUE)));
        byte[] strings = HostileBodies.request(32, PROTOSTUFF, false, Wire.concat(prefix, HostileBodies.NO_ATTACHMENTS,
                HostileBodies.protostuffArrayField(2, Integer.MAX_VALUE)));
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("protostuff arrays of 2^31-1", LIMIT, c -> c.repeat(MIN_ATTACK, 200, i -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    assertBadRequest(a.send(ints).awaitResponse(31, ANSWER));
                    assertBadRequest(a.send(strings).awaitResponse(32, ANSWER));
                    a.ping(33, ANSWER);
                }
            })).assertHeld();
        }
    }

    // ---------------------------------------------------------------- 4. slow and partial frames

    private static final int EIGHT_MIB = 8 * 1024 * 1024;

    /** A REQUEST header announcing a frame of {@code length} bytes. */
    private static byte[] requestHeader(int id, int length) {
        return Wire.header(FrameHeader.MAGIC, FrameHeader.VERSION, length, MessageType.REQUEST, PROTOSTUFF, 0, id);
    }

    @Test
    void slowFrameIsClosedByTheFrameRateRule() throws Exception {
        // 500 ms + 8 MiB at 4 MiB/s: the frame must be complete 2.5 s after its first byte
        long deadlineMs = 500 + 2000;
        byte[] mostOfIt = new byte[7 * 1024 * 1024];
        try (TransportServer s = server(b -> b.frameRate(Duration.ofMillis(500), 4 * 1024 * 1024)); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("slow frame", LIMIT, c -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    long start = System.nanoTime();
                    a.send(requestHeader(41, EIGHT_MIB)).send(mostOfIt);
                    long closedAfter = -1;
                    int trickled = 0;
                    while (closedAfter < 0 && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < deadlineMs + 2500 && !c.stopRequested()) {
                        // the read timeout paces the trickle: one byte every 50 ms, each resetting any idle timer
                        HostileConnection.Liveness l = a.liveness(Duration.ofMillis(50));
                        if (l == HostileConnection.Liveness.OPEN) {
                            try {
                                a.send(new byte[1]);
                                trickled++;
                                continue;
                            } catch (IOException e) {
                                l = HostileConnection.Liveness.CLOSED;
                            }
                        }
                        assertEquals(HostileConnection.Liveness.CLOSED, l, "the provider answered a frame that never completed");
                        closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                    c.note("trickled " + trickled + " bytes, closed after " + closedAfter + " ms");
                    assertTrue(closedAfter >= 0, "a frame trickling in far below the minimum rate was not closed within " + (deadlineMs + 2500) + " ms");
                    assertTrue(closedAfter >= deadlineMs - 250, "closed after " + closedAfter + " ms, before the frame's deadline of " + deadlineMs + " ms");
                }
            }).assertHeld();
        }
    }

    @Test
    void frameArrivingFasterThanTheMinimumRateIsServed() throws Exception {
        // control for the rule above: 4 MiB spread over ~0.8 s, more than the 500 ms frame timeout but within
        // 500 ms + 4 MiB at 4 MiB/s = 1.5 s, is read and answered (BAD_REQUEST: the body is zeros)
        int length = 4 * 1024 * 1024;
        byte[] frame = Wire.concat(requestHeader(42, length), new byte[length - FrameHeader.LENGTH]);
        try (TransportServer s = server(b -> b.frameRate(Duration.ofMillis(500), 4 * 1024 * 1024)); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("frame at a legal rate", LIMIT, c -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    int pieces = length / HostileConnection.CHUNK;
                    long start = System.nanoTime();
                    for (int p = 0; p < pieces; p++) {
                        // paced by a schedule (piece p at p x 12.5 ms), so oversleeping never accumulates
                        long due = start + TimeUnit.MICROSECONDS.toNanos(p * 12_500L);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        a.send(frame, p * HostileConnection.CHUNK, HostileConnection.CHUNK);
                    }
                    c.note("sent in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
                    assertBadRequest(a.awaitResponse(42, ANSWER));
                    a.ping(43, ANSWER);
                }
            }).assertHeld();
        }
    }

    @Test
    void connectionsFromOnePeerBeyondItsLimitAreRefused() throws Exception {
        assumeTrue(HostileConnection.attackerIsAnotherPeer(), "needs 127.0.0.2 on the loopback interface, so the attacker is another peer than the probes");
        int limit = 8;
        try (TransportServer s = server(b -> b.maxConnectionsPerPeer(limit)); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("connections over the per-peer limit", LIMIT, c -> {
                List<HostileConnection> held = new ArrayList<>();
                int refused = 0;
                try {
                    for (int i = 0; i < 2 * limit; i++) {
                        HostileConnection a = c.track(HostileConnection.open(s.port()));
                        if (pingOrRefused(a, 50 + i)) {
                            // held open with a partial frame pending, like a slow attacker
                            a.send(requestHeader(60 + i, EIGHT_MIB)).send(new byte[1024]);
                            held.add(a);
                        } else {
                            refused++;
                            a.close();
                        }
                    }
                    c.note(held.size() + " held, " + refused + " refused");
                    assertEquals(limit, held.size(), "connections from one peer accepted, with a limit of " + limit);
                    for (HostileConnection a : held) {
                        assertEquals(HostileConnection.Liveness.OPEN, a.liveness(Duration.ofMillis(20)), "a connection within the limit was closed");
                    }
                    // closing two frees two slots: the count follows closes (polled, the close reaches the server asynchronously)
                    held.remove(0).close();
                    held.remove(0).close();
                    for (int k = 0; k < 2; k++) {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                        boolean accepted = false;
                        while (!accepted && System.nanoTime() - deadline < 0) {
                            HostileConnection a = c.track(HostileConnection.open(s.port()));
                            accepted = pingOrRefused(a, 80 + k);
                            if (accepted) {
                                held.add(a);
                            } else {
                                a.close();
                                TimeUnit.MILLISECONDS.sleep(5); // polling pace
                            }
                        }
                        assertTrue(accepted, "a slot freed by a close was not given to a new connection within 3 s");
                    }
                } finally {
                    for (HostileConnection a : held) {
                        a.close();
                    }
                }
            }).assertHeld();
        }
    }

    /** PINGs on a new connection: true when answered, false when the provider closed it instead. */
    private static boolean pingOrRefused(HostileConnection a, int id) throws IOException {
        try {
            a.send(Wire.ping(id));
            RawFrame f = a.readFrame(Duration.ofSeconds(2));
            assertEquals(MessageType.PONG, f.type(), () -> "expected a PONG, got " + f);
            return true;
        } catch (java.io.EOFException | java.net.SocketException e) {
            return false; // closed or reset by the provider
        }
    }

    @Test
    void partialFramesOverTheBufferedBytesBudgetCloseTheConnectionThatGoesOver() throws Exception {
        // budget 16 MiB: two partial frames of 7 MiB fit, a third does not
        int partial = 7 * 1024 * 1024;
        byte[] body = new byte[partial];
        byte[] rest = new byte[EIGHT_MIB - FrameHeader.LENGTH - partial];
        try (TransportServer s = server(b -> b.maxBufferedBytes(16L * 1024 * 1024).frameRate(Duration.ofSeconds(30), 1024));
             AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("partial frames over the buffer budget", LIMIT, c -> {
                List<HostileConnection> conns = new ArrayList<>();
                try {
                    boolean[] closed = new boolean[3];
                    for (int k = 0; k < 3; k++) {
                        HostileConnection a = c.track(HostileConnection.open(s.port()));
                        conns.add(a);
                        try {
                            a.send(requestHeader(90 + k, EIGHT_MIB)).send(body);
                        } catch (IOException e) {
                            closed[k] = true; // closed while sending
                        }
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (count(closed) == 0 && System.nanoTime() - deadline < 0) {
                        for (int k = 0; k < 3; k++) {
                            closed[k] |= conns.get(k).liveness(Duration.ofMillis(10)) == HostileConnection.Liveness.CLOSED;
                        }
                    }
                    c.note("closed: " + java.util.Arrays.toString(closed));
                    assertEquals(1, count(closed), "three partial frames of 7 MiB against a 16 MiB budget: exactly the one going over must be closed");
                    for (int k = 0; k < 3; k++) {
                        if (!closed[k]) {
                            // the others are still served: complete their frames (zeros: BAD_REQUEST) and ping
                            HostileConnection a = conns.get(k);
                            assertEquals(HostileConnection.Liveness.OPEN, a.liveness(Duration.ofMillis(200)), "connection " + k + " within the budget was closed");
                            assertBadRequest(a.send(rest).awaitResponse(90 + k, ANSWER));
                            a.ping(95 + k, ANSWER);
                        }
                    }
                } finally {
                    for (HostileConnection a : conns) {
                        a.close();
                    }
                }
            }).assertHeld();
        }
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    // ---------------------------------------------------------------- 6. a peer that sends without reading

    @Test
    void pingFloodFromAPeerThatNeverReadsIsStoppedAndClosed() throws Exception {
        byte[] chunk = new byte[HostileConnection.CHUNK];
        for (int i = 0; i < chunk.length / FrameHeader.LENGTH; i++) {
            System.arraycopy(Wire.ping(i), 0, chunk, i * FrameHeader.LENGTH, FrameHeader.LENGTH);
        }
        floodWithoutReading("PING flood without reading", chunk);
    }

    @Test
    void requestFloodFromAPeerThatNeverReadsIsStoppedAndClosed() throws Exception {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int id = 1; requests.size() < HostileConnection.CHUNK; id++) {
            requests.writeBytes(Wire.hello(id, "flood"));
        }
        floodWithoutReading("request flood without reading", requests.toByteArray());
    }

    /**
     * Pushes {@code chunk} again and again on a connection that never reads (4 KiB receive buffer): the provider must stop
     * reading it once its replies back up (so the attacker's writes block after a bounded amount, and the provider's
     * memory stays within the harness's bounds), then close it after its idle timeout (1 s here), while serving
     * everyone else.
     */
    private static void floodWithoutReading(String name, byte[] chunk) throws Exception {
        long cap = 96L * 1024 * 1024; // far beyond every socket buffer on the path: reaching it means nobody stopped reading
        try (AutoCloseable sampled = AttackHarness.sampledLeakDetection();
             TransportServer s = server(b -> b.idleTimeout(Duration.ofSeconds(1))); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run(name, LIMIT, c -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port(), 4096, 64 * 1024))) {
                    AtomicLong pushed = new AtomicLong();
                    AtomicLong failedAt = new AtomicLong(-1);
                    Thread writer = new Thread(() -> {
                        try {
                            while (pushed.get() < cap && !c.stopRequested()) {
                                a.send(chunk);
                                pushed.addAndGet(chunk.length);
                            }
                        } catch (IOException e) {
                            failedAt.set(System.nanoTime()); // the provider closed (reset) the connection
                        }
                    }, "flood-writer");
                    writer.setDaemon(true);
                    long start = System.nanoTime();
                    writer.start();
                    // a provider that stops reading makes the writes block once the socket buffers are full, then closes
                    // the connection after its idle timeout, which fails the blocked write
                    writer.join(8_000);
                    c.note("pushed " + (pushed.get() >> 20) + " MiB" + (failedAt.get() > 0 ? ", closed after "
                            + TimeUnit.NANOSECONDS.toMillis(failedAt.get() - start) + " ms" : ""));
                    assertTrue(pushed.get() < cap && !c.stopRequested(), () -> "the provider kept reading a peer that never reads: "
                            + (pushed.get() >> 20) + " MiB pushed" + (c.stopRequested() ? " (stopped by the memory bound)" : ""));
                    assertTrue(failedAt.get() > 0, "the provider did not close a connection that never reads within 8 s");
                }
            }).assertHeld();
        }
    }

    // ---------------------------------------------------------------- 7. log flooding

    /**
     * At most {@link #MAX_WARN_LINES} lines; the attacking host is still named (the first event is logged); and past the
     * limiter's burst of {@link io.tern.rpc.transport.internal.PeerLog#BURST} lines, every line about it says how many it stood
     * for (PeerLogTest checks the count itself).
     */
    private static void assertFewWarnLines(AttackHarness.Report r, String problem) {
        List<String> lines = r.warnings();
        assertTrue(lines.size() <= MAX_WARN_LINES, () -> FLOOD_EVENTS + " " + problem + " produced " + lines.size()
                + " WARN lines (at most " + MAX_WARN_LINES + "), e.g. " + lines.subList(0, Math.min(3, lines.size())));
        String host = HostileConnection.attacker().getHostAddress();
        List<String> naming = lines.stream().filter(l -> l.contains(host)).toList();
        assertTrue(!naming.isEmpty(), () -> "the first of the " + problem + " must still be logged, naming the peer " + host + ": " + lines);
        assertTrue(naming.stream().skip(io.tern.rpc.transport.internal.PeerLog.BURST).allMatch(l -> l.contains(SUPPRESSED_WORD)),
                () -> "repeated lines about " + host + " must say how many were " + SUPPRESSED_WORD + ": " + naming);
    }

    @Test
    void badHeaderFloodWritesOnlyAFewLogLines() throws Exception {
        byte[] badMagic = Wire.header(0x54455258, 1, 16, MessageType.PING, 0, 0, 1);
        try (AutoCloseable sampled = AttackHarness.sampledLeakDetection(); // 10,000 connections: see sampledLeakDetection
             TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            AttackHarness.Report r = h.run("bad header flood", LIMIT, c -> {
                AtomicInteger notClosed = new AtomicInteger();
                AtomicInteger done = new AtomicInteger();
                Thread[] workers = new Thread[2];
                List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
                for (int w = 0; w < workers.length; w++) {
                    workers[w] = new Thread(() -> {
                        try {
                            for (int i = 0; i < FLOOD_EVENTS / workers.length && !c.stopRequested(); i++) {
                                try (HostileConnection a = HostileConnection.open(s.port())) {
                                    a.send(badMagic);
                                    if (!a.awaitClosed(Duration.ofSeconds(2))) {
                                        notClosed.incrementAndGet();
                                    }
                                } catch (java.net.SocketException e) {
                                    // reset while sending: closed too
                                }
                                done.incrementAndGet();
                            }
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                    }, "bad-header-flood-" + w);
                    workers[w].start();
                }
                for (Thread t : workers) {
                    t.join();
                }
                c.note(done.get() + " bad headers sent");
                assertTrue(errors.isEmpty(), () -> "flood workers failed: " + errors);
                assertEquals(FLOOD_EVENTS, done.get(), "bad headers sent");
                assertEquals(0, notClosed.get(), "connections with a bad header left open");
            });
            r.assertHeld();
            assertFewWarnLines(r, "bad headers");
        }
    }

    @Test
    void wrongTokenFloodWritesOnlyAFewLogLines() throws Exception {
        int batch = 250;
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < batch; i++) {
            requests.writeBytes(HostileBodies.request(i, PROTOSTUFF, false, HostileBodies.helloBody(HostileBodies.callAttachments("guess"), "x")));
        }
        byte[] batchBytes = requests.toByteArray();
        try (AutoCloseable sampled = AttackHarness.sampledLeakDetection(); // a flood of small frames: see sampledLeakDetection
             TransportServer s = server(b -> b.authToken(TOKEN)); AttackHarness h = AttackHarness.onProvider(s.port(), TOKEN, Serializers.protostuff())) {
            AttackHarness.Report r = h.run("wrong token flood", LIMIT, c -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    int answered = 0;
                    for (int b = 0; b < FLOOD_EVENTS / batch && !c.stopRequested(); b++) {
                        a.send(batchBytes); // then read the batch's answers: this attacker reads, it only guesses tokens
                        for (int i = 0; i < batch; i++) {
                            assertBadRequest(a.awaitResponse(i, ANSWER), "token");
                            answered++;
                        }
                    }
                    assertEquals(FLOOD_EVENTS, answered, "wrong-token requests answered");
                }
            });
            r.assertHeld();
            assertFewWarnLines(r, "wrong-token requests");
        }
    }

    @Test
    void connectionsOverThePerPeerLimitWriteOnlyAFewLogLines() throws Exception {
        assumeTrue(HostileConnection.attackerIsAnotherPeer(), "needs 127.0.0.2 on the loopback interface, so the attacker is another peer than the probes");
        int limit = 4;
        int attempts = 2_000;
        try (TransportServer s = server(b -> b.maxConnectionsPerPeer(limit)); AttackHarness h = AttackHarness.onProvider(s.port())) {
            AttackHarness.Report r = h.run("connections over the limit, log lines", LIMIT, c -> {
                List<HostileConnection> held = new ArrayList<>();
                try {
                    for (int i = 0; i < limit; i++) {
                        HostileConnection a = c.track(HostileConnection.open(s.port()));
                        held.add(a);
                        a.ping(i, ANSWER);
                    }
                    int accepted = 0;
                    for (int i = 0; i < attempts && !c.stopRequested(); i++) {
                        try (HostileConnection a = HostileConnection.open(s.port())) {
                            if (pingOrRefused(a, 1000 + i)) {
                                accepted++;
                            }
                        } catch (java.net.SocketException e) {
                            // refused at connect: fine
                        }
                    }
                    assertEquals(0, accepted, "connections accepted beyond the per-peer limit of " + limit);
                } finally {
                    for (HostileConnection a : held) {
                        a.close();
                    }
                }
            });
            r.assertHeld();
            assertTrue(r.warnings().size() <= MAX_WARN_LINES, () -> attempts + " refused connections produced " + r.warnings().size()
                    + " WARN lines (at most " + MAX_WARN_LINES + ")");
        }
    }

    // ---------------------------------------------------------------- 9. CANCEL

    @Test
    void cancelForAnUnknownOrRunningCallIsIgnoredAndTheConnectionStaysOpen() throws Exception {
        try (TransportServer s = server(); AttackHarness h = AttackHarness.onProvider(s.port())) {
            h.run("CANCEL frames", LIMIT, c -> {
                try (HostileConnection a = c.track(HostileConnection.open(s.port()))) {
                    // a CANCEL for a call still running: the response may still come, the connection must stay
                    a.send(Wire.request(5, Serializers.protostuff(), "slow", new Class<?>[]{long.class}, new Object[]{200L}, Map.of()));
                    a.send(cancel(5));
                    pingSkippingResponse(a, 6, 5);
                    c.repeat(MIN_ATTACK, 5_000, i -> {
                        a.send(cancel(1_000_000 + i)); // no such call
                        pingSkippingResponse(a, 7, 5);
                    });
                    RawFrame ok = a.send(Wire.hello(8, "after cancel")).awaitResponse(8, ANSWER);
                    assertEquals(Status.OK, ok.status());
                }
            }).assertHeld();
        }
    }

    /** PING, then frames up to its PONG: only the RESPONSE to the cancelled call {@code cancelledId} may come first. */
    private static void pingSkippingResponse(HostileConnection a, int id, int cancelledId) throws IOException {
        a.send(Wire.ping(id));
        RawFrame f;
        while ((f = a.readFrame(ANSWER)).type() != MessageType.PONG) {
            RawFrame g = f;
            assertTrue(g.type() == MessageType.RESPONSE && g.requestId() == cancelledId, () -> "expected the PONG to " + id + ", got " + g);
        }
        assertEquals(id, f.requestId(), "PONG id");
    }

    /** A CANCEL frame (type 6, no body, codec 0) for {@code id}. */
    private static byte[] cancel(int id) {
        return Wire.header(FrameHeader.MAGIC, FrameHeader.VERSION, FrameHeader.LENGTH, 6, 0, 0, id);
    }
}
