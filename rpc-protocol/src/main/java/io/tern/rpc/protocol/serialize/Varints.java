package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/** Varint and length-prefixed string helpers shared by the envelope and the value codecs. */
public final class Varints {
    private Varints() {
    }

    public static void writeVarint(ByteBuf out, int value) {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    public static int readVarint(ByteBuf in) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.readByte();
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new CorruptBodyException("malformed varint");
    }

    public static void writeVarlong(ByteBuf out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    public static long readVarlong(ByteBuf in) {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = in.readByte();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new CorruptBodyException("malformed varlong");
    }

    /** A count (collection size, array length) that cannot exceed the bytes left, as each element takes at least one. */
    public static int readCount(ByteBuf in) {
        int count = readVarint(in);
        if (count < 0 || count > in.readableBytes()) {
            throw new CorruptBodyException("element count " + (count & 0xFFFFFFFFL) + " exceeds the " + in.readableBytes() + " bytes left in the body");
        }
        return count;
    }

    /** Writes a nullable string: varint (length + 1), 0 meaning null, then UTF-8 bytes. */
    public static void writeString(ByteBuf out, String s) {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        int len = ByteBufUtil.utf8Bytes(s);
        writeVarint(out, len + 1);
        ByteBufUtil.reserveAndWriteUtf8(out, s, len);
    }

    public static String readString(ByteBuf in) {
        int lenPlusOne = readVarint(in);
        if (lenPlusOne == 0) {
            return null;
        }
        int len = lenPlusOne - 1;
        if (len < 0 || len > in.readableBytes()) {
            throw new CorruptBodyException("string length " + len + " exceeds the " + in.readableBytes() + " bytes left in the body");
        }
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return s;
    }
}
