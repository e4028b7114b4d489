package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The zigzag varints of int and long values (scalars and primitive arrays): exact wire bytes and round trips. */
class SignedVarintsTest {
    @Test
    void intsTakeTheZigzagBytesOfTheWireFormat() {
        assertArrayEquals(new byte[]{0x00}, intBytes(0));
        assertArrayEquals(new byte[]{0x01}, intBytes(-1));
        assertArrayEquals(new byte[]{0x02}, intBytes(1));
        assertArrayEquals(new byte[]{(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, intBytes(Integer.MAX_VALUE));
        assertArrayEquals(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, intBytes(Integer.MIN_VALUE));
    }

    @Test
    void intsAndLongsRoundTrip() {
        ByteBuf buf = Unpooled.buffer();
        try {
            int[] ints = {0, 1, -1, 63, -64, 64, -65, 1 << 20, -(1 << 20), Integer.MAX_VALUE, Integer.MIN_VALUE};
            long[] longs = {0, 1, -1, 1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE};
            for (int v : ints) {
                Varints.writeSignedVarint(buf, v);
            }
            for (long v : longs) {
                Varints.writeSignedVarlong(buf, v);
            }
            for (int v : ints) {
                assertEquals(v, Varints.readSignedVarint(buf));
            }
            for (long v : longs) {
                assertEquals(v, Varints.readSignedVarlong(buf));
            }
            assertFalse(buf.isReadable());
        } finally {
            buf.release();
        }
    }

    @Test
    void aLongTakesTheZigzagBytesOfTheWireFormat() {
        ByteBuf buf = Unpooled.buffer();
        try {
            Varints.writeSignedVarlong(buf, -2);
            Varints.writeSignedVarlong(buf, 150);
            assertArrayEquals(new byte[]{0x03, (byte) 0xAC, 0x02}, ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    private static byte[] intBytes(int v) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Varints.writeSignedVarint(buf, v);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
