package io.tern.rpc.protocol.serialize;

import io.protostuff.ByteArrayInput;
import io.protostuff.ByteString;
import io.protostuff.Input;
import io.protostuff.Output;
import io.protostuff.Schema;
import io.protostuff.UninitializedMessageException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A protostuff {@link Input} over a {@link ByteArrayInput} that checks the length of every string and bytes field
 * against the bytes left before protostuff allocates for it. ByteArrayInput checks {@code offset + length > limit}
 * in int arithmetic, so a length near 2^31 wraps around and it allocates a 2 GiB byte[] for a 9-byte message.
 * Nested messages (protostuff groups) are read through this input too. One per thread, reused.
 */
final class BoundedProtostuffInput implements Input {
    private ByteArrayInput in;
    private byte[] buffer;

    /** Reads through {@code input}, a group-decoding reader over {@code buffer}. */
    BoundedProtostuffInput use(ByteArrayInput input, byte[] buffer) {
        if (!input.decodeNestedMessageAsGroup) {
            throw new IllegalArgumentException("nested messages must be decoded as groups");
        }
        this.in = input;
        this.buffer = buffer;
        return this;
    }

    /** Drops the references to the last message's bytes. */
    void clear() {
        in = null;
        buffer = null;
    }

    /**
     * The length prefix of the string or bytes field at the read position, without consuming it; refused when it is
     * longer than the bytes left in the message.
     */
    int nextLength() {
        int at = in.currentOffset();
        int limit = in.currentLimit();
        int length = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at >= limit) {
                throw new CorruptBodyException("protostuff message truncated in a length prefix");
            }
            byte b = buffer[at++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                if (length < 0 || length > limit - at) {
                    throw new CorruptBodyException("protostuff field announces " + (length & 0xFFFFFFFFL) + " bytes, more than the "
                            + (limit - at) + " left in the message");
                }
                return length;
            }
        }
        throw new CorruptBodyException("protostuff length prefix is a malformed varint");
    }

    @Override
    public String readString() throws IOException {
        nextLength();
        return in.readString();
    }

    @Override
    public ByteString readBytes() throws IOException {
        nextLength();
        return in.readBytes();
    }

    @Override
    public void readBytes(ByteBuffer bb) throws IOException {
        nextLength();
        in.readBytes(bb);
    }

    @Override
    public byte[] readByteArray() throws IOException {
        nextLength();
        return in.readByteArray();
    }

    @Override
    public ByteBuffer readByteBuffer() throws IOException {
        nextLength();
        return in.readByteBuffer();
    }

    /** As ByteArrayInput reads a group, but with this input, so nested fields are checked too. */
    @Override
    public <T> T mergeObject(T value, Schema<T> schema) throws IOException {
        T message = value == null ? schema.newMessage() : value;
        DecodeBudget.descend(schema.messageFullName());
        try {
            schema.mergeFrom(this, message);
        } finally {
            DecodeBudget.ascend();
        }
        if (!schema.isInitialized(message)) {
            throw new UninitializedMessageException(message, schema);
        }
        in.checkLastTagWas(0);
        return message;
    }

    @Override
    public <T> void handleUnknownField(int fieldNumber, Schema<T> schema) throws IOException {
        in.handleUnknownField(fieldNumber, schema);
    }

    @Override
    public <T> int readFieldNumber(Schema<T> schema) throws IOException {
        return in.readFieldNumber(schema);
    }

    @Override
    public int readInt32() throws IOException {
        return in.readInt32();
    }

    @Override
    public int readUInt32() throws IOException {
        return in.readUInt32();
    }

    @Override
    public int readSInt32() throws IOException {
        return in.readSInt32();
    }

    @Override
    public int readFixed32() throws IOException {
        return in.readFixed32();
    }

    @Override
    public int readSFixed32() throws IOException {
        return in.readSFixed32();
    }

    @Override
    public long readInt64() throws IOException {
        return in.readInt64();
    }

    @Override
    public long readUInt64() throws IOException {
        return in.readUInt64();
    }

    @Override
    public long readSInt64() throws IOException {
        return in.readSInt64();
    }

    @Override
    public long readFixed64() throws IOException {
        return in.readFixed64();
    }

    @Override
    public long readSFixed64() throws IOException {
        return in.readSFixed64();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public boolean readBool() throws IOException {
        return in.readBool();
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public void transferByteRangeTo(Output output, boolean utf8String, int fieldNumber, boolean repeated) throws IOException {
        nextLength();
        in.transferByteRangeTo(output, utf8String, fieldNumber, repeated);
    }

    /** For the final check of a top-level message. */
    void checkLastTagWas(int tag) throws IOException {
        in.checkLastTagWas(tag);
    }
}
