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

    /** A signed int as a zigzag varint: small magnitudes of either sign take few bytes. */
    static void writeSignedVarint(ByteBuf out, int value) {
        writeVarint(out, (value << 1) ^ (value >> 31));
    }

    static int readSignedVarint(ByteBuf in) {
        int v = readVarint(in);
        return (v >>> 1) ^ -(v & 1);
    }

    /** A signed long as a zigzag varlong. */
    static void writeSignedVarlong(ByteBuf out, long value) {
        writeVarlong(out, (value << 1) ^ (value >> 63));
    }

    static long readSignedVarlong(ByteBuf in) {
        long v = readVarlong(in);
        return (v >>> 1) ^ -(v & 1);
    }

    /**
     * A size in bytes (a message length, a byte run) that cannot exceed the bytes left. Counts of decoded elements
     * use {@link #readElementCount}, which also spends them from the body's {@link DecodeBudget}.
     */
    public static int readCount(ByteBuf in) {
        int count = readVarint(in);
        if (count < 0 || count > in.readableBytes()) {
            throw new CorruptBodyException("size " + (count & 0xFFFFFFFFL) + " exceeds the " + in.readableBytes() + " bytes left in the body");
        }
        return count;
    }

    /**
     * An element count (collection or map size, array length) announced by the peer: spent from the open
     * {@link DecodeBudget} before the caller allocates for it, and never more than the bytes left, as each element
     * takes at least one. {@code what} names the value in the error.
     */
    public static int readElementCount(ByteBuf in, String what) {
        int count = readVarint(in);
        DecodeBudget.spend(count & 0xFFFFFFFFL, what);
        if (count < 0 || count > in.readableBytes()) {
            throw new CorruptBodyException(what + " announces " + (count & 0xFFFFFFFFL) + " elements but only " + in.readableBytes()
                    + " bytes are left in the body (each element takes at least one)");
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

    /** Reads a string written by {@link #writeString}, spending its length from the body's {@link DecodeBudget}. */
    public static String readString(ByteBuf in) {
        int len = readStringLength(in);
        if (len < 0) {
            return null;
        }
        DecodeBudget.spend(len, "string");
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return s;
    }

    /**
     * The byte length of the string at the reader index, whose bytes follow it, or -1 for null; checked against the
     * bytes left, not spent (for readers that check their own limit before making the String).
     */
    public static int readStringLength(ByteBuf in) {
        long len = readAnnouncedLength(in);
        return len < 0 ? -1 : checkLeft(in, len);
    }

    /**
     * As {@link #readStringLength(ByteBuf)}, refusing a length over {@code max} bytes first, with an error naming
     * {@code what} and the limit.
     */
    public static int readStringLength(ByteBuf in, int max, String what) {
        long len = readAnnouncedLength(in);
        if (len < 0) {
            return -1;
        }
        if (len > max) {
            throw new CorruptBodyException(what + " of " + len + " bytes, over the limit of " + max + " bytes");
        }
        return checkLeft(in, len);
    }

    /** The length a string's prefix announces (unsigned), or -1 for null; nothing checked yet. */
    static long readAnnouncedLength(ByteBuf in) {
        return (readVarint(in) & 0xFFFFFFFFL) - 1;
    }

    static int checkLeft(ByteBuf in, long len) {
        if (len > in.readableBytes()) {
            throw new CorruptBodyException("string length " + len + " exceeds the " + in.readableBytes() + " bytes left in the body");
        }
        return (int) len;
    }
}
