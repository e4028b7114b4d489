package io.tern.rpc.transport.internal;

import ch.qos.logback.classic.Level;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.LogCapture;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §2 "What a server does with bad input", probed with raw bytes on real sockets, one test per row and case.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final int MAX_FRAME = 1024 * 1024;
    private static final String EVIL = "io.tern.rpc.transport.internal.EvilInit";
    private static final String EVIL_PROPERTY = "tern.transport.evil";

    private static TransportServer server;
    private static int port;

    @BeforeAll
    static void startServer() {
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(2).maxFrameLength(MAX_FRAME).serializations("protostuff", "kryo").build());
        server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- bad headers: close after 16 bytes, one WARN

    @Test
    void wrongMagicClosesTheConnectionAfterTheHeader() throws Exception {
        assertHeaderRejected(Wire.header(0x54455258, 1, 16, MessageType.PING, 0, 0, 1), "magic");
    }

    @Test
    void httpRequestIsRejectedAsWrongMagic() throws Exception {
        assertHeaderRejected("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), "magic");
    }

    @Test
    void unknownVersionClosesTheConnectionAfterTheHeader() throws Exception {
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 2, 16, MessageType.PING, 0, 0, 1), "version");
    }

    @Test
    void unknownMessageTypeClosesTheConnectionAfterTheHeader() throws Exception {
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, 16, 7, 0, 0, 1), "type");
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, 16, 0, 0, 0, 1), "type");
    }

    @Test
    void lengthBelowSixteenClosesTheConnectionAfterTheHeader() throws Exception {
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, 15, MessageType.PING, 0, 0, 1), "length");
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, 0, MessageType.REQUEST, 1, 0, 1), "length");
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, -1, MessageType.REQUEST, 1, 0, 1), "length"); // 4 GiB unsigned
    }

    @Test
    void lengthAboveMaxClosesTheConnectionWithoutReadingTheBody() throws Exception {
        // only the header is sent: EOF must come although 100 MB of body are announced and none arrives
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, 100 * 1024 * 1024, MessageType.REQUEST, 1, 0, 1), "length");
        // one byte over the max
        assertHeaderRejected(Wire.header(FrameHeader.MAGIC, 1, MAX_FRAME + 1, MessageType.REQUEST, 1, 0, 1), "length");
    }

    @Test
    void lengthExactlyMaxIsAccepted() throws Exception {
        // max frame length is inclusive: a REQUEST of exactly MAX_FRAME bytes is read and answered (BAD_REQUEST: junk body)
        byte[] body = new byte[MAX_FRAME - FrameHeader.LENGTH];
        Arrays.fill(body, (byte) 0xFF);
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(Wire.frame(MessageType.REQUEST, 1, 0, 5, body), 5);
            assertEquals(Status.BAD_REQUEST, f.status());
            c.ping(6);
        }
    }

    /** Sends one bad header on a new connection and checks the SPEC row: EOF, one WARN naming the peer, others unaffected. */
    private static void assertHeaderRejected(byte[] header, String problemWord) throws Exception {
        assertEquals(FrameHeader.LENGTH, header.length);
        try (LogCapture log = LogCapture.of(FrameDecoder.class);
             RawConnection other = new RawConnection(port);
             RawConnection bad = new RawConnection(port)) {
            other.ping(1); // established before the bad one
            bad.send(header);
            assertTrue(bad.awaitEof(Duration.ofSeconds(5)), "server did not close the connection after a bad header");
            other.ping(2);
            List<String> warns = log.messages(Level.WARN);
            assertEquals(1, warns.size(), () -> "expected exactly one WARN line, got " + warns);
            assertTrue(warns.get(0).contains(bad.peer()), () -> "WARN line should name the peer " + bad.peer() + ": " + warns.get(0));
            assertTrue(warns.get(0).contains(problemWord), () -> "WARN line should say what was wrong (" + problemWord + "): " + warns.get(0));
        }
        // and a brand-new connection works too
        try (RawConnection fresh = new RawConnection(port)) {
            fresh.ping(3);
        }
    }

    // ---------------------------------------------------------------- undecodable REQUEST bodies: BAD_REQUEST, stays open

    @Test
    void requestWithCodecZeroGetsBadRequestInProtostuff() throws Exception {
        byte[] valid = Wire.hello(11, "x");
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 0, 0, 11, Wire.body(valid)), 11);
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 0, 0, 12, new byte[0]), 12);
    }

    @Test
    void requestWithUnknownCodecGetsBadRequestInProtostuff() throws Exception {
        byte[] valid = Wire.hello(13, "x");
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 9, 0, 13, Wire.body(valid)), 13);
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, -1, 0, 14, Wire.body(valid)), 14);
    }

    @Test
    void requestWithUnknownCompressValueGetsBadRequest() throws Exception {
        byte[] valid = Wire.hello(15, "x");
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 7, 15, Wire.body(valid)), 15);
    }

    @Test
    void requestWithCorruptBodyGetsBadRequest() throws Exception {
        // a malformed varint where the service key length should be
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 0, 16, new byte[]{-1, -1, -1, -1, -1, -1}), 16);
        // no body at all
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 0, 17, new byte[0]), 17);
        // a valid request with its last argument byte cut off
        byte[] valid = Wire.body(Wire.hello(18, "world"));
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 0, 18, Arrays.copyOf(valid, valid.length - 1)), 18);
        // a valid request with a trailing byte after the last argument
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 0, 19, Wire.concat(valid, new byte[]{7})), 19);
        // a string length far beyond the body
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 0, 20, new byte[]{(byte) 0xF0, (byte) 0xFF, 0x7F, 'a'}), 20);
    }

    @Test
    void requestWithBadGzipGetsBadRequest() throws Exception {
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 1, 21, "this is not gzip at all".getBytes(StandardCharsets.US_ASCII)), 21);
        // a real gzip stream cut in half
        byte[] gz = Wire.gzip(Wire.body(Wire.hello(22, "a fairly long name so the stream has some substance")));
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 1, 22, Arrays.copyOf(gz, gz.length / 2)), 22);
        // gzip with an empty body
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 1, 23, new byte[0]), 23);
    }

    @Test
    void requestWhoseGzipInflatesPastMaxFrameLengthGetsBadRequest() throws Exception {
        byte[] bomb = Wire.gzip(new byte[4 * MAX_FRAME]); // 4 MiB of zeros: a few KB compressed
        assertTrue(bomb.length < MAX_FRAME / 10, "the test body must be small on the wire");
        assertBadRequestAndStillUsable(Wire.frame(MessageType.REQUEST, 1, 1, 24, bomb), 24);
    }

    @Test
    void validGzipRequestIsAnswered() throws Exception {
        // control case for the gzip rows: a well-formed compressed request is decoded and runs
        byte[] body = Wire.body(Wire.hello(25, "zip"));
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(Wire.frame(MessageType.REQUEST, 1, 1, 25, Wire.gzip(body)), 25);
            assertEquals(Status.OK, f.status());
            assertEquals("hello zip", f.response(Wire.codecs("hello", String.class).resultCodec(Serializers.protostuff())).result());
        }
    }

    @Test
    void badRequestForUnusableCodecIsNotCompressedEvenWhenTheServerCompresses() throws Exception {
        // SPEC: "encoded with PROTOSTUFF and compress 0 when the request's own codec is unusable"
        try (TransportServer gz = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                .compression(Compression.gzip(0)).build())) {
            gz.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
            gz.start();
            try (RawConnection c = new RawConnection(gz.port())) {
                RawFrame f = c.call(Wire.frame(MessageType.REQUEST, 9, 0, 26, Wire.body(Wire.hello(26, "x"))), 26);
                assertEquals(1, f.codec(), "codec of the BAD_REQUEST response");
                assertEquals(0, f.compress(), "compress of the BAD_REQUEST response");
                assertEquals(Status.BAD_REQUEST, f.status());
                c.ping(27);
            }
        }
    }

    @Test
    void kryoArrayLengthBeyondTheBodyGetsBadRequest() throws Exception {
        // the server's own Kryo encoding of an empty byte[] (class id, then length + 1 = 1), with a huge length instead
        MethodCodecs m = Wire.codecs("reverse", byte[].class);
        io.netty.buffer.ByteBuf empty = io.netty.buffer.Unpooled.buffer();
        m.argCodecs(Serializers.kryo())[0].write(empty, new byte[0]);
        byte[] klass = Arrays.copyOf(io.netty.buffer.ByteBufUtil.getBytes(empty), empty.readableBytes() - 1);
        empty.release();
        byte[] arg = Wire.concat(klass, new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3});
        byte[] frame = Wire.request(28, Serializers.kryo(), Compression.NONE,
                new RpcRequest(Wire.GREETER, "reverse", m.descriptors(), new Object[]{arg}, Map.of()), new ValueCodec[]{new RawBytes()});
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(frame, 28);
            assertEquals(Status.BAD_REQUEST, f.status());
            c.ping(29);
        }
    }

    /**
     * Sends one undecodable REQUEST: the answer is a RESPONSE with the same id, BAD_REQUEST, codec PROTOSTUFF (the request
     * used protostuff or an unusable codec) and compress 0; then the same connection answers PING and a valid call.
     */
    private static void assertBadRequestAndStillUsable(byte[] requestFrame, int id) throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(requestFrame, id);
            assertEquals(1, f.codec(), () -> "response codec (PROTOSTUFF) of " + f);
            assertEquals(0, f.compress(), () -> "response compress of " + f);
            assertEquals(FrameHeader.LENGTH + f.body().length, f.length());
            assertEquals(Status.BAD_REQUEST, f.status(), () -> "status of " + f);
            RpcResponse r = f.response(null);
            assertEquals(Status.BAD_REQUEST, r.status());
            assertFalse(r.message().isEmpty());

            RawFrame pong = c.ping(id + 1000);
            assertEquals(0, pong.codec());
            RawFrame ok = c.call(Wire.hello(id + 2000, "again"), id + 2000);
            assertEquals(Status.OK, ok.status());
            assertEquals("hello again", ok.response(Wire.codecs("hello", String.class).resultCodec(Serializers.protostuff())).result());
        }
    }

    // ---------------------------------------------------------------- partial frame, then silence

    @Test
    void partialFrameThenSilenceIsClosedAfterTheIdleTimeout() throws Exception {
        try (TransportServer idle = idleServer()) {
            try (RawConnection c = new RawConnection(idle.port())) {
                long start = System.nanoTime();
                c.send(Arrays.copyOf(Wire.ping(1), 10));
                assertTrue(c.awaitEof(Duration.ofSeconds(3)), "a connection with a partial frame and then silence was not closed");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms >= 250, "closed after " + ms + " ms, before the 300 ms idle timeout");
            }
        }
    }

    @Test
    void connectionThatKeepsSendingIsNotClosedByTheIdleTimeout() throws Exception {
        try (TransportServer idle = idleServer(); RawConnection c = new RawConnection(idle.port())) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500); // five idle timeouts
            int id = 1;
            while (System.nanoTime() - end < 0) {
                c.ping(id++);
                Thread.sleep(50); // pacing the traffic, well inside the 300 ms idle timeout
            }
            assertTrue(id > 5);
            RawFrame ok = c.call(Wire.hello(9999, "still here"), 9999);
            assertEquals(Status.OK, ok.status());
        }
    }

    private static TransportServer idleServer() {
        TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                .idleTimeout(Duration.ofMillis(300)).build());
        s.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        return s.start();
    }

    // ---------------------------------------------------------------- PING / PONG

    @Test
    void pingIsAnsweredWithPongCarryingTheSameId() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send(Wire.ping(77));
            RawFrame f = c.readFrame();
            assertEquals(FrameHeader.MAGIC, f.magic());
            assertEquals(1, f.version());
            assertEquals(MessageType.PONG, f.type());
            assertEquals(77, f.requestId());
            assertEquals(16, f.length());
            assertEquals(0, f.codec());
            assertEquals(0, f.compress());
            assertArrayEquals(new byte[0], f.body());
        }
    }

    @Test
    void pipelinedPingsAreAllAnsweredInOrder() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send(Wire.concat(Wire.ping(1), Wire.ping(-5), Wire.ping(Integer.MAX_VALUE)));
            assertEquals(1, c.readFrame().requestId());
            assertEquals(-5, c.readFrame().requestId());
            assertEquals(Integer.MAX_VALUE, c.readFrame().requestId());
        }
    }

    // ---------------------------------------------------------------- classes named by the peer

    @Test
    void kryoBodyNamingAClassOutsideTheAllowListIsRefusedWithoutInitialisingIt() throws Exception {
        assertNull(System.getProperty(EVIL_PROPERTY));
        // serialise a harmless GoodInit with plain Kryo, then patch its class name into EvilInit (same length)
        Kryo plain = new Kryo();
        plain.setRegistrationRequired(false);
        Output out = new Output(256, -1);
        plain.writeClassAndObject(out, new GoodInit());
        byte[] arg = out.toBytes();
        byte[] good = "io.tern.rpc.transport.internal.GoodIni".getBytes(StandardCharsets.US_ASCII);
        byte[] evil = "io.tern.rpc.transport.internal.EvilIni".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(arg, good);
        assertTrue(at >= 0, "class name not found in the Kryo bytes " + Arrays.toString(arg));
        System.arraycopy(evil, 0, arg, at, evil.length);

        MethodCodecs m = Wire.codecs("echoPerson", Greeter.Person.class);
        byte[] frame = Wire.request(31, Serializers.kryo(), Compression.NONE,
                new RpcRequest(Wire.GREETER, "echoPerson", m.descriptors(), new Object[]{arg}, Map.of()), new ValueCodec[]{new RawBytes()});
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(frame, 31);
            assertEquals(Serializers.kryo().id(), f.codec(), "the request's own codec is usable: answered in kryo");
            assertEquals(Status.BAD_REQUEST, f.status());
            RpcResponse r = f.response(null);
            // Kryo bodies carry registered ids only: a class name is refused before it is read
            assertTrue(r.message().contains("class names are not accepted"), () -> "message should refuse the class name: " + r.message());
            assertNull(System.getProperty(EVIL_PROPERTY), "the server initialised a class named by the peer");

            c.ping(32);
            // the same connection still serves kryo calls
            Greeter.Person p = new Greeter.Person("ann", 7);
            RawFrame ok = c.call(Wire.request(33, Serializers.kryo(), "echoPerson", new Class<?>[]{Greeter.Person.class},
                    new Object[]{p}, Map.of()), 33);
            assertEquals(Status.OK, ok.status());
            assertEquals(p, ok.response(m.resultCodec(Serializers.kryo())).result());
        }
        assertNull(System.getProperty(EVIL_PROPERTY));
    }

    @Test
    void parameterDescriptorNamingAnUnknownClassIsMethodNotFoundWithoutInitialisingIt() throws Exception {
        assertNull(System.getProperty(EVIL_PROPERTY));
        MethodCodecs hello = Wire.codecs("hello", String.class);
        byte[] frame = Wire.request(41, Serializers.protostuff(), Compression.NONE,
                new RpcRequest(Wire.GREETER, "hello", new String[]{EVIL}, new Object[]{"x"}, Map.of()), hello.argCodecs(Serializers.protostuff()));
        try (RawConnection c = new RawConnection(port)) {
            RawFrame f = c.call(frame, 41);
            assertEquals(Status.METHOD_NOT_FOUND, f.status());
            assertNull(System.getProperty(EVIL_PROPERTY), "the server initialised a class named in a descriptor");
            c.ping(42);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Writes a byte[] argument verbatim, so hand-made codec bytes can go into a MessageCodec-built request. */
    static final class RawBytes implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) {
            out.writeBytes((byte[]) value);
        }

        @Override
        public Object read(ByteBuf in) {
            throw new UnsupportedOperationException();
        }
    }

    // ---------------------------------------------------------------- random garbage

    @Test
    void randomGarbageNeverKillsTheServer() throws Exception {
        // a server of its own: 200 bad connections from 127.0.0.1 spend that address's log budget (PeerLog), which
        // the one-WARN-per-bad-header tests above rely on
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(2).maxFrameLength(MAX_FRAME).build());
        server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        try {
            randomGarbageNeverKills(server.port());
        } finally {
            server.close();
        }
    }

    private static void randomGarbageNeverKills(int port) throws Exception {
        Random random = new Random(20240611L);
        byte[] validHello = Wire.body(Wire.hello(1, "garbage"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        int sent = 0;
        try (RawConnection survivor = new RawConnection(port)) {
            survivor.ping(1);
            for (int i = 0; i < 200 && System.nanoTime() - deadline < 0; i++) {
                byte[] bytes = garbage(random, validHello);
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(1000);
                    if (random.nextInt(4) == 0) {
                        s.setSoLinger(true, 0); // some end with a reset instead of a FIN
                    }
                    OutputStream o = s.getOutputStream();
                    o.write(bytes);
                    o.flush();
                    sent++;
                } catch (IOException e) {
                    // the server may have closed first: fine, it is allowed to reject garbage
                }
            }
            assertTrue(sent >= 50, "only " + sent + " garbage connections were made");
            survivor.ping(2);
            assertEquals(Status.OK, survivor.call(Wire.hello(3, "survivor"), 3).status());
        }
        // fresh connections land on every I/O thread: each one still works
        for (int i = 0; i < 4; i++) {
            try (RawConnection fresh = new RawConnection(port)) {
                RawFrame ok = fresh.call(Wire.hello(100 + i, "after"), 100 + i);
                assertEquals(Status.OK, ok.status());
                assertEquals("hello after", ok.response(Wire.codecs("hello", String.class).resultCodec(Serializers.protostuff())).result());
            }
        }
    }

    /** Pure noise, or a plausible header with random fields and body, or a valid request with flipped bytes. */
    private static byte[] garbage(Random random, byte[] validHello) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[1 + random.nextInt(2048)];
                random.nextBytes(b);
                return b;
            }
            case 1 -> {
                byte[] body = new byte[random.nextInt(512)];
                random.nextBytes(body);
                int length = random.nextInt(3) == 0 ? random.nextInt() : FrameHeader.LENGTH + body.length;
                return Wire.concat(Wire.header(FrameHeader.MAGIC, 1, length, 1 + random.nextInt(5), random.nextInt(4),
                        random.nextInt(3), random.nextInt()), body);
            }
            case 2 -> {
                byte[] body = validHello.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt();
                }
                return Wire.frame(MessageType.REQUEST, 1 + random.nextInt(2), random.nextInt(2), random.nextInt(), body);
            }
            default -> {
                List<byte[]> frames = new ArrayList<>();
                for (int k = 0; k < 1 + random.nextInt(5); k++) {
                    frames.add(Wire.ping(k));
                }
                byte[] all = Wire.concat(frames.toArray(new byte[0][]));
                return Arrays.copyOf(all, 1 + random.nextInt(all.length)); // cut anywhere, even mid-header
            }
        }
    }
}
