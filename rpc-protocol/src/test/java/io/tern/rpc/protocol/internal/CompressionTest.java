package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionTest {
    private static final int MIB = 1024 * 1024;
    private static byte[] bomb;

    @BeforeAll
    static void buildBomb() throws IOException {
        bomb = gzip(new byte[0], 50 * MIB);
    }

    /** gzip of {@code data} followed by {@code zeros} zero bytes. */
    private static byte[] gzip(byte[] data, int zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 64 * 1024)) {
            gz.write(data);
            byte[] chunk = new byte[64 * 1024];
            for (int left = zeros; left > 0; left -= chunk.length) {
                gz.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return bytes.toByteArray();
    }

    private static RpcRequest request(String arg) {
        return new RpcRequest("io.tern.demo.HelloService", "hello", new String[]{"java.lang.String"}, new Object[]{arg},
                Map.of(RpcRequest.DEADLINE_MS, "3000", RpcRequest.ATTEMPT, "0"));
    }

    private static ByteBuf encode(Compression compression, String arg) throws Exception {
        Serializer s = Serializers.protostuff();
        return MessageCodec.encodeRequest(ByteBufAllocator.DEFAULT, 5, s, compression, request(arg), new ValueCodec[]{s.codecFor(String.class)});
    }

    @Test
    void smallBodyStaysUncompressed() throws Exception {
        ByteBuf frame = encode(Compression.gzip(1024), "hi");
        try {
            assertEquals(FrameHeader.COMPRESS_NONE, frame.getByte(FrameHeader.OFFSET_COMPRESS));
            assertEquals(frame.readableBytes(), frame.getInt(FrameHeader.OFFSET_LENGTH));
            assertTrue(frame.readableBytes() - FrameHeader.LENGTH < 1024);
        } finally {
            frame.release();
        }
    }

    @Test
    void largeBodyIsCompressedIntoASmallerFrameThatDecodesBack() throws Exception {
        String big = "the quick brown fox jumps over the lazy dog; ".repeat(500);
        ByteBuf plain = encode(Compression.NONE, big);
        ByteBuf zipped = encode(Compression.gzip(1024), big);
        ByteBuf body = null;
        try {
            assertEquals(FrameHeader.COMPRESS_NONE, plain.getByte(FrameHeader.OFFSET_COMPRESS));
            assertEquals(FrameHeader.COMPRESS_GZIP, zipped.getByte(FrameHeader.OFFSET_COMPRESS));
            assertEquals(zipped.readableBytes(), zipped.getInt(FrameHeader.OFFSET_LENGTH), "length field covers the compressed frame");
            assertTrue(zipped.readableBytes() < plain.readableBytes() / 4,
                    "compressed " + zipped.readableBytes() + " vs plain " + plain.readableBytes());
            // the rest of the header is unchanged
            assertArrayEquals(ByteBufUtil.getBytes(plain, 0, FrameHeader.OFFSET_LENGTH), ByteBufUtil.getBytes(zipped, 0, FrameHeader.OFFSET_LENGTH));
            assertEquals(plain.getInt(FrameHeader.OFFSET_REQUEST_ID), zipped.getInt(FrameHeader.OFFSET_REQUEST_ID));
            assertEquals(plain.getByte(FrameHeader.OFFSET_CODEC), zipped.getByte(FrameHeader.OFFSET_CODEC));

            ByteBuf compressedBody = zipped.slice(FrameHeader.LENGTH, zipped.readableBytes() - FrameHeader.LENGTH);
            body = Compression.decompress(FrameHeader.COMPRESS_GZIP, compressedBody, 8 * MIB, ByteBufAllocator.DEFAULT);
            assertEquals(plain.readableBytes() - FrameHeader.LENGTH, body.readableBytes());
            assertTrue(ByteBufUtil.equals(plain, FrameHeader.LENGTH, body, 0, body.readableBytes()));

            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(body);
            assertEquals("hello", head.methodName());
            Object[] args = MessageCodec.decodeArguments(body, new ValueCodec[]{Serializers.protostuff().codecFor(String.class)});
            assertEquals(big, args[0]);
        } finally {
            plain.release();
            zipped.release();
            if (body != null) {
                body.release();
            }
        }
    }

    @Test
    void thresholdIsInclusive() throws Exception {
        String arg = "y".repeat(2000);
        ByteBuf plain = encode(Compression.NONE, arg);
        int bodyLength = plain.readableBytes() - FrameHeader.LENGTH;
        plain.release();
        ByteBuf at = encode(Compression.gzip(bodyLength), arg);
        ByteBuf above = encode(Compression.gzip(bodyLength + 1), arg);
        try {
            assertEquals(FrameHeader.COMPRESS_GZIP, at.getByte(FrameHeader.OFFSET_COMPRESS), "body of exactly the threshold is compressed");
            assertEquals(FrameHeader.COMPRESS_NONE, above.getByte(FrameHeader.OFFSET_COMPRESS));
        } finally {
            at.release();
            above.release();
        }
    }

    @Test
    void gzipBombStopsAtTheMaxAndReleasesItsBuffers() {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf body = Unpooled.wrappedBuffer(bomb);
        try {
            assertTrue(bomb.length < MIB, "the bomb itself is small: " + bomb.length);
            long t0 = System.nanoTime();
            CorruptBodyException e = assertThrows(CorruptBodyException.class,
                    () -> Compression.decompress(FrameHeader.COMPRESS_GZIP, body, MIB, alloc));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains(String.valueOf(MIB)), e.getMessage());
            assertTrue(ms < 2_000, "stopped early, took " + ms + " ms");
            assertTrue(alloc.count() > 0);
            assertEquals(0, alloc.live(), "every buffer decompress allocated was released");
            assertEquals(1, body.refCnt(), "the caller's body is not released by decompress");
            assertEquals(0, body.readerIndex(), "nor consumed");
        } finally {
            body.release();
        }
    }

    @Test
    void outputOfExactlyTheMaxIsAcceptedAndOneMoreByteIsNot() throws IOException {
        int max = 100_000;
        byte[] exact = gzip(new byte[]{1, 2, 3}, max - 3);
        byte[] over = gzip(new byte[]{1, 2, 3}, max - 2);
        ByteBuf in = Unpooled.wrappedBuffer(exact);
        ByteBuf out = Compression.decompress(FrameHeader.COMPRESS_GZIP, in, max, ByteBufAllocator.DEFAULT);
        try {
            assertEquals(max, out.readableBytes());
            assertEquals(3, out.getByte(2));
        } finally {
            out.release();
            in.release();
        }
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf overIn = Unpooled.wrappedBuffer(over);
        try {
            assertThrows(CorruptBodyException.class, () -> Compression.decompress(FrameHeader.COMPRESS_GZIP, overIn, max, alloc));
            assertEquals(0, alloc.live());
        } finally {
            overIn.release();
        }
    }

    @Test
    void badGzipBytesAreACorruptBody() throws IOException {
        byte[] valid = gzip("some body bytes".getBytes(), 1000);
        byte[][] bad = {
                "definitely not gzip".getBytes(),
                new byte[0],
                Arrays.copyOf(valid, valid.length / 2), // truncated stream
                flipped(valid, valid.length / 2), // corrupt deflate data or CRC
                flipped(valid, valid.length - 6), // CRC trailer
        };
        for (byte[] b : bad) {
            TrackingAllocator alloc = new TrackingAllocator();
            ByteBuf in = Unpooled.wrappedBuffer(b);
            try {
                assertThrows(CorruptBodyException.class, () -> Compression.decompress(FrameHeader.COMPRESS_GZIP, in, MIB, alloc));
                assertEquals(0, alloc.live());
            } finally {
                in.release();
            }
        }
    }

    private static byte[] flipped(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= (byte) 0xFF;
        return c;
    }

    @ParameterizedTest(name = "compress {0}")
    @ValueSource(bytes = {7, 2, -1})
    void unknownCompressValueIsACorruptBody(byte compress) throws IOException {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf in = Unpooled.wrappedBuffer(gzip("x".getBytes(), 0));
        try {
            CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> Compression.decompress(compress, in, MIB, alloc));
            assertTrue(e.getMessage().contains("compress value " + compress), e.getMessage());
            assertEquals(0, alloc.live());
        } finally {
            in.release();
        }
    }

    @Test
    void byNameAcceptsNoneAndGzipAndListsThemOtherwise() {
        assertSame(Compression.NONE, Compression.byName(" NONE ", 10));
        assertEquals(FrameHeader.COMPRESS_GZIP, Compression.byName("gzip", 10).id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.byName("zstd", 10));
        assertTrue(e.getMessage().contains("none or gzip"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Compression.gzip(-1));
    }
}
