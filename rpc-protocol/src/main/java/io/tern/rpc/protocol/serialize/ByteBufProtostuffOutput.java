package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.protostuff.ByteString;
import io.protostuff.Output;
import io.protostuff.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Protostuff {@link Output} that writes the protostuff format (protobuf field encoding, nested messages as
 * groups) straight into a Netty buffer: no intermediate {@code LinkedBuffer} and no copy into the frame. Its bytes
 * are those of {@code io.protostuff.ProtostuffOutput}, so Protostuff's own readers decode them (tested byte for
 * byte); the one difference is a string holding an unpaired surrogate, which is written with '?' in its place.
 */
final class ByteBufProtostuffOutput implements Output {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int START_GROUP = 3;
    private static final int END_GROUP = 4;
    private static final int FIXED32 = 5;

    private ByteBuf out;

    ByteBufProtostuffOutput use(ByteBuf target) {
        this.out = target;
        return this;
    }

    void release() {
        this.out = null;
    }

    private void tag(int field, int wireType) {
        varint32((field << 3) | wireType);
    }

    private void varint32(int value) {
        if ((value & ~0x7F) == 0) {
            out.writeByte(value);
            return;
        }
        if ((value & ~0x3FFF) == 0) {
            out.writeShort(((value & 0x7F) | 0x80) << 8 | (value >>> 7));
            return;
        }
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    private void varint64(long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    @Override
    public void writeInt32(int field, int value, boolean repeated) {
        tag(field, VARINT);
        if (value < 0) {
            varint64(value); // sign-extended to ten bytes, as protobuf does
        } else {
            varint32(value);
        }
    }

    @Override
    public void writeUInt32(int field, int value, boolean repeated) {
        tag(field, VARINT);
        varint32(value);
    }

    @Override
    public void writeSInt32(int field, int value, boolean repeated) {
        tag(field, VARINT);
        varint32((value << 1) ^ (value >> 31));
    }

    @Override
    public void writeFixed32(int field, int value, boolean repeated) {
        tag(field, FIXED32);
        out.writeIntLE(value);
    }

    @Override
    public void writeSFixed32(int field, int value, boolean repeated) {
        writeFixed32(field, value, repeated);
    }

    @Override
    public void writeInt64(int field, long value, boolean repeated) {
        tag(field, VARINT);
        varint64(value);
    }

    @Override
    public void writeUInt64(int field, long value, boolean repeated) {
        writeInt64(field, value, repeated);
    }

    @Override
    public void writeSInt64(int field, long value, boolean repeated) {
        tag(field, VARINT);
        varint64((value << 1) ^ (value >> 63));
    }

    @Override
    public void writeFixed64(int field, long value, boolean repeated) {
        tag(field, FIXED64);
        out.writeLongLE(value);
    }

    @Override
    public void writeSFixed64(int field, long value, boolean repeated) {
        writeFixed64(field, value, repeated);
    }

    @Override
    public void writeFloat(int field, float value, boolean repeated) {
        writeFixed32(field, Float.floatToRawIntBits(value), repeated);
    }

    @Override
    public void writeDouble(int field, double value, boolean repeated) {
        writeFixed64(field, Double.doubleToRawLongBits(value), repeated);
    }

    @Override
    public void writeBool(int field, boolean value, boolean repeated) {
        tag(field, VARINT);
        out.writeByte(value ? 1 : 0);
    }

    @Override
    public void writeEnum(int field, int number, boolean repeated) {
        writeInt32(field, number, repeated);
    }

    @Override
    public void writeString(int field, CharSequence value, boolean repeated) throws IOException {
        tag(field, LENGTH_DELIMITED);
        int len = ByteBufUtil.utf8Bytes(value);
        varint32(len);
        int written = ByteBufUtil.reserveAndWriteUtf8(out, value, len);
        if (written != len) {
            throw new IOException("UTF-8 size of a string changed while it was written (" + len + " then " + written + " bytes)");
        }
    }

    @Override
    public void writeBytes(int field, ByteString value, boolean repeated) {
        writeByteArray(field, value.toByteArray(), repeated);
    }

    @Override
    public void writeByteArray(int field, byte[] value, boolean repeated) {
        writeByteRange(false, field, value, 0, value.length, repeated);
    }

    @Override
    public void writeByteRange(boolean utf8String, int field, byte[] value, int offset, int length, boolean repeated) {
        tag(field, LENGTH_DELIMITED);
        varint32(length);
        out.writeBytes(value, offset, length);
    }

    @Override
    public <T> void writeObject(int field, T value, Schema<T> schema, boolean repeated) throws IOException {
        tag(field, START_GROUP);
        schema.writeTo(this, value);
        tag(field, END_GROUP);
    }

    @Override
    public void writeBytes(int field, ByteBuffer value, boolean repeated) {
        tag(field, LENGTH_DELIMITED);
        varint32(value.remaining());
        out.writeBytes(value.duplicate());
    }
}
