package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A POJO's length prefix: 2 bytes while its messages stay under 16 KiB; the first larger one is moved behind a
 * minimal varint once, and from then on 4 bytes are reserved and every message, large or small, is written in place
 * behind a 4-byte varint that every reader decodes.
 */
class LengthPrefixTest {

    /** Used by this test only, so its codec starts narrow. */
    public static class Blob {
        private byte[] data;

        public Blob() {
        }

        Blob(int size) {
            data = new byte[size];
            Arrays.fill(data, (byte) 7);
        }
    }

    private final ValueCodec codec = Serializers.protostuff().codecFor(Blob.class);

    @Test
    void prefixWidensOnceAndLargeMessagesAreWrittenInPlaceAfterwards() throws Exception {
        assertPrefix(100, 2);             // narrow: 2-byte prefix
        assertPrefix((1 << 14) - 8, 2);   // just under 16 KiB of message: still 2
        assertPrefix(1 << 14, 3);         // first large one: moved behind a minimal 3-byte varint, codec widens
        assertPrefix(1 << 14, 4);         // from now on 4 bytes reserved and filled in place
        assertPrefix(4 << 20, 4);         // 4 MiB: in place
        assertPrefix(10, 4);              // a small one after a large one: non-minimal 4-byte varint, still decodes
    }

    /** Writes a Blob of {@code size} data bytes after a marker byte, checks the prefix width and the round trip. */
    private void assertPrefix(int size, int expectedPrefix) throws Exception {
        Blob blob = new Blob(size);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            buf.writeByte(0x5A);
            codec.write(buf, blob);
            buf.writeByte(0xA5);
            buf.skipBytes(1);
            int start = buf.readerIndex();
            assertEquals(1, buf.readByte(), "present (the codec of a POJO also encodes null)");
            int prefixAt = buf.readerIndex();
            int messageSize = Varints.readVarint(buf);
            assertEquals(expectedPrefix, buf.readerIndex() - prefixAt, "prefix width for " + size + " data bytes");
            assertEquals(buf.readableBytes() - 1, messageSize, "the prefix names the message size");
            buf.readerIndex(start);
            Blob back = (Blob) codec.read(buf);
            assertArrayEquals(blob.data, back.data);
            assertEquals(0xA5, buf.readUnsignedByte(), "the codec consumed exactly its own bytes");
        } finally {
            buf.release();
        }
    }
}
