package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.rpc.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {
    private static final int MAX = 64;

    private EmbeddedChannel channel;
    private LogCapture logs;
    private String peer;

    @BeforeEach
    void setUp() {
        logs = LogCapture.of(FrameDecoder.class);
        channel = new EmbeddedChannel(new FrameDecoder(MAX));
        peer = FrameDecoder.peer(channel.remoteAddress()); // an EmbeddedSocketAddress here, host:port on a real socket
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        logs.close();
    }

    /** Raw header bytes, written field by field per SPEC §2 (independent of FrameHeader). */
    private static byte[] header(int magic, int version, long length, int type, int codec, int compress, int requestId) {
        ByteBuf b = Unpooled.buffer(16);
        try {
            b.writeInt(magic).writeByte(version).writeInt((int) length).writeByte(type).writeByte(codec).writeByte(compress)
                    .writeInt(requestId);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] frame(int type, int codec, int compress, int requestId, byte[] body) {
        byte[] h = header(FrameHeader.MAGIC, 1, 16L + body.length, type, codec, compress, requestId);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static byte[] bodyBytes(Frame f) {
        return ByteBufUtil.getBytes(f.body());
    }

    @Test
    void validFrameIsDecodedWithAllHeaderFieldsAndBody() {
        byte[] body = "hello, tern".getBytes(StandardCharsets.UTF_8);
        byte[] wire = frame(MessageType.REQUEST, 2, 1, 0xCAFEBABE, body);
        // the magic is the ASCII bytes "TERN", big-endian
        assertArrayEquals(new byte[]{0x54, 0x45, 0x52, 0x4E}, java.util.Arrays.copyOf(wire, 4));

        channel.writeInbound(Unpooled.wrappedBuffer(wire));
        Frame f = channel.readInbound();
        assertNotNull(f);
        try {
            assertEquals(MessageType.REQUEST, f.type());
            assertEquals(2, f.codec());
            assertEquals(1, f.compress());
            assertEquals(0xCAFEBABE, f.requestId());
            assertArrayEquals(body, bodyBytes(f));
        } finally {
            f.release();
        }
        assertNull(channel.readInbound());
        assertTrue(channel.isOpen());
        assertTrue(logs.messages(Level.WARN).isEmpty());
    }

    @Test
    void frameWrittenByFrameHeaderHelpersDecodes() {
        ByteBuf out = UnpooledByteBufAllocator.DEFAULT.buffer();
        int start = FrameHeader.begin(out, MessageType.RESPONSE, (byte) 1, FrameHeader.COMPRESS_NONE, 77);
        out.writeBytes(new byte[]{9, 8, 7});
        FrameHeader.finish(out, start);
        assertEquals(19, out.getInt(FrameHeader.OFFSET_LENGTH));

        channel.writeInbound(out);
        Frame f = channel.readInbound();
        try {
            assertEquals(MessageType.RESPONSE, f.type());
            assertEquals(1, f.codec());
            assertEquals(0, f.compress());
            assertEquals(77, f.requestId());
            assertArrayEquals(new byte[]{9, 8, 7}, bodyBytes(f));
        } finally {
            f.release();
        }
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(bytes = {MessageType.PING, MessageType.PONG, MessageType.GOAWAY})
    void bodylessControlFrameDecodesWithEmptyBody(byte type) {
        channel.writeInbound(FrameHeader.control(UnpooledByteBufAllocator.DEFAULT, type, 5));
        Frame f = channel.readInbound();
        try {
            assertEquals(type, f.type());
            assertEquals(FrameHeader.CODEC_NONE, f.codec());
            assertEquals(5, f.requestId());
            assertEquals(0, f.body().readableBytes());
        } finally {
            f.release();
        }
        assertTrue(channel.isOpen());
    }

    @Test
    void frameDeliveredOneByteAtATimeIsDecodedOnlyWhenComplete() {
        byte[] body = {1, 2, 3, 4, 5};
        byte[] wire = frame(MessageType.RESPONSE, 1, 0, 42, body);
        for (int i = 0; i < wire.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{wire[i]}));
            if (i < wire.length - 1) {
                assertNull(channel.readInbound(), "no frame before byte " + (i + 1) + " of " + wire.length);
                assertTrue(channel.isOpen());
            }
        }
        Frame f = channel.readInbound();
        assertNotNull(f);
        try {
            assertEquals(42, f.requestId());
            assertArrayEquals(body, bodyBytes(f));
        } finally {
            f.release();
        }
        assertNull(channel.readInbound());
    }

    /**
     * A 1 MiB frame arriving in 8 KiB pooled reads (as from a socket: growable buffers), followed in the last read by
     * the start of the next frame: the cumulation is grown once to the frame's length when its header is in, and
     * both frames come out intact, the first untouched while the second still accumulates.
     */
    @Test
    void largeFrameInManyPooledReadsIsDecodedIntactAndTheNextOneToo() {
        EmbeddedChannel big = new EmbeddedChannel(new FrameDecoder(2 << 20));
        try {
            byte[] body = new byte[1 << 20];
            new java.util.Random(7).nextBytes(body);
            byte[] second = frame(MessageType.REQUEST, 1, 0, 2, new byte[]{9, 8, 7});
            byte[] wire = concat(frame(MessageType.REQUEST, 1, 0, 1, body), second);
            int split = wire.length - second.length + 5; // the last read carries 5 bytes of the second frame
            for (int at = 0; at < split; at += 8192) {
                int n = Math.min(8192, split - at);
                big.writeInbound(io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(wire, at, n));
            }
            Frame first = big.readInbound();
            assertNotNull(first, "the large frame is complete");
            try {
                assertNull(big.readInbound());
                big.writeInbound(io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(wire, split, wire.length - split));
                Frame next = big.readInbound();
                try {
                    assertArrayEquals(body, bodyBytes(first));
                    assertEquals(2, next.requestId());
                    assertArrayEquals(new byte[]{9, 8, 7}, bodyBytes(next));
                } finally {
                    next.release();
                }
            } finally {
                first.release();
            }
        } finally {
            big.finishAndReleaseAll();
        }
    }

    /**
     * Memory follows the bytes a peer sent, not the length it announced: while a 1 MiB frame trickles in, the decoder
     * never holds more than 4x the bytes received (plus a read's worth), and the frame still arrives intact.
     */
    @Test
    void aLargeAnnouncedFrameCostsMemoryOnlyAsItsBytesArrive() {
        io.netty.buffer.UnpooledByteBufAllocator alloc = new io.netty.buffer.UnpooledByteBufAllocator(true);
        EmbeddedChannel big = new EmbeddedChannel(new FrameDecoder(2 << 20));
        big.config().setAllocator(alloc);
        try {
            byte[] body = new byte[1 << 20];
            new java.util.Random(3).nextBytes(body);
            byte[] wire = frame(MessageType.REQUEST, 1, 0, 5, body);
            int chunk = 16 * 1024;
            for (int at = 0; at < wire.length; at += chunk) {
                int n = Math.min(chunk, wire.length - at);
                big.writeInbound(alloc.directBuffer(n).writeBytes(wire, at, n));
                long received = at + n;
                if (received < wire.length) {
                    long held = alloc.metric().usedDirectMemory();
                    assertTrue(held <= 4 * received + 2L * chunk, "after " + received + " of " + wire.length
                            + " bytes the decoder holds " + held + " bytes");
                }
            }
            Frame f = big.readInbound();
            assertNotNull(f);
            try {
                assertArrayEquals(body, bodyBytes(f));
            } finally {
                f.release();
            }
        } finally {
            big.finishAndReleaseAll();
        }
    }

    @Test
    void twoFramesInOneBufferAreBothDecodedInOrder() {
        byte[] wire = concat(frame(MessageType.REQUEST, 1, 0, 1, new byte[]{10}),
                frame(MessageType.PING, 0, 0, 2, new byte[0]),
                frame(MessageType.REQUEST, 2, 0, 3, new byte[]{30, 31}));
        channel.writeInbound(Unpooled.wrappedBuffer(wire));
        Frame a = channel.readInbound();
        Frame b = channel.readInbound();
        Frame c = channel.readInbound();
        try {
            assertEquals(1, a.requestId());
            assertArrayEquals(new byte[]{10}, bodyBytes(a));
            assertEquals(MessageType.PING, b.type());
            assertEquals(2, b.requestId());
            assertEquals(3, c.requestId());
            assertArrayEquals(new byte[]{30, 31}, bodyBytes(c));
        } finally {
            a.release();
            b.release();
            c.release();
        }
        assertNull(channel.readInbound());
    }

    @Test
    void frameBodyStaysValidAfterLaterBytesArrive() {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(MessageType.REQUEST, 1, 0, 1, new byte[]{1, 2, 3}),
                java.util.Arrays.copyOf(frame(MessageType.REQUEST, 1, 0, 2, new byte[]{4, 5, 6}), 10))));
        Frame first = channel.readInbound();
        try {
            byte[] rest = frame(MessageType.REQUEST, 1, 0, 2, new byte[]{4, 5, 6});
            channel.writeInbound(Unpooled.wrappedBuffer(rest, 10, rest.length - 10));
            Frame second = channel.readInbound();
            try {
                assertArrayEquals(new byte[]{1, 2, 3}, bodyBytes(first), "first body untouched by the cumulation");
                assertArrayEquals(new byte[]{4, 5, 6}, bodyBytes(second));
            } finally {
                second.release();
            }
        } finally {
            first.release();
        }
    }

    @Test
    void lengthEqualToMaxIsAccepted() {
        byte[] body = new byte[MAX - 16];
        body[body.length - 1] = 99;
        channel.writeInbound(Unpooled.wrappedBuffer(header(FrameHeader.MAGIC, 1, MAX, MessageType.REQUEST, 1, 0, 8)));
        assertTrue(channel.isOpen(), "a header announcing exactly max is valid");
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(body));
        Frame f = channel.readInbound();
        try {
            assertEquals(MAX - 16, f.body().readableBytes());
            assertArrayEquals(body, bodyBytes(f));
        } finally {
            f.release();
        }
        assertTrue(channel.isOpen());
        assertTrue(logs.messages(Level.WARN).isEmpty());
    }

    static Stream<Arguments> badHeaders() {
        int m = FrameHeader.MAGIC;
        return Stream.of(
                Arguments.of("wrong magic", header(0x48545450, 1, 16, 1, 1, 0, 1), "bad magic"),
                Arguments.of("version 2", header(m, 2, 16, 1, 1, 0, 1), "version"),
                Arguments.of("version 0", header(m, 0, 16, 1, 1, 0, 1), "version"),
                Arguments.of("type 0", header(m, 1, 16, 0, 1, 0, 1), "type"),
                Arguments.of("type 7", header(m, 1, 16, 7, 1, 0, 1), "type"),
                Arguments.of("type 0xFF", header(m, 1, 16, 0xFF, 1, 0, 1), "type"),
                Arguments.of("length 15", header(m, 1, 15, 1, 1, 0, 1), "length"),
                Arguments.of("length 0", header(m, 1, 0, 1, 1, 0, 1), "length"),
                Arguments.of("length max+1", header(m, 1, MAX + 1, 1, 1, 0, 1), "length"),
                Arguments.of("length 2^31-1", header(m, 1, Integer.MAX_VALUE, 1, 1, 0, 1), "length"),
                Arguments.of("length 0xFFFFFFFF", header(m, 1, 0xFFFFFFFFL, 1, 1, 0, 1), "length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void badHeaderClosesTheConnectionWithOneWarn(String name, byte[] header, String problem) {
        channel.writeInbound(Unpooled.wrappedBuffer(header));
        assertFalse(channel.isOpen(), name + " must close the connection");
        assertNull(channel.readInbound(), "no frame is passed on");
        List<String> warns = logs.messages(Level.WARN);
        assertEquals(1, warns.size(), "exactly one WARN: " + warns);
        assertTrue(warns.get(0).contains(problem), warns.get(0));
        assertTrue(warns.get(0).contains(peer), "names the peer: " + warns.get(0));
    }

    @Test
    void oversizedFrameClosesAfterOnlyTheHeaderWithoutWaitingForTheBody() {
        channel.writeInbound(Unpooled.wrappedBuffer(header(FrameHeader.MAGIC, 1, 8L * 1024 * 1024, MessageType.REQUEST, 1, 0, 1)));
        assertFalse(channel.isOpen());
        List<String> warns = logs.messages(Level.WARN);
        assertEquals(1, warns.size(), warns.toString());
        assertTrue(warns.get(0).contains("length 8388608"), warns.get(0));
    }

    @Test
    void headerIsJudgedOnlyOnceAll16BytesAreIn() {
        byte[] bad = header(FrameHeader.MAGIC, 1, MAX + 1, MessageType.REQUEST, 1, 0, 1);
        channel.writeInbound(Unpooled.wrappedBuffer(bad, 0, 15));
        assertTrue(channel.isOpen(), "15 bytes are not a header yet");
        channel.writeInbound(Unpooled.wrappedBuffer(bad, 15, 1));
        assertFalse(channel.isOpen());
    }

    @Test
    void garbageAfterABadHeaderInTheSameBufferLogsOnlyOneWarn() {
        byte[] bad = header(0x12345678, 1, 16, 1, 1, 0, 1);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(bad, bad, bad, new byte[100])));
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
        assertEquals(1, logs.messages(Level.WARN).size(), logs.messages(Level.WARN).toString());
    }

    @Test
    void goodFrameBeforeABadHeaderIsDeliveredThenTheConnectionCloses() {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(MessageType.REQUEST, 1, 0, 11, new byte[]{1}),
                header(FrameHeader.MAGIC, 3, 16, 1, 1, 0, 12))));
        Frame f = channel.readInbound();
        assertNotNull(f);
        try {
            assertEquals(11, f.requestId());
        } finally {
            f.release();
        }
        assertNull(channel.readInbound());
        assertFalse(channel.isOpen());
        assertEquals(1, logs.messages(Level.WARN).size());
        assertTrue(logs.messages(Level.WARN).get(0).contains("version 3"));
    }

    @Test
    void peerIsFormattedAsHostColonPort() {
        assertEquals("10.1.2.3:7070", FrameDecoder.peer(new InetSocketAddress("10.1.2.3", 7070)));
        assertEquals("provider-7:9000", FrameDecoder.peer(InetSocketAddress.createUnresolved("provider-7", 9000)));
    }

    @Test
    void maxFrameLengthBelowTheHeaderSizeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(15));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }
}
