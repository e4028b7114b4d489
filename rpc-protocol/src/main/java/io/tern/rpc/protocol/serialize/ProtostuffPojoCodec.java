package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.protostuff.ByteArrayInput;
import io.protostuff.Schema;

import java.io.IOException;

/**
 * One POJO class as a length-prefixed Protostuff message: written straight into the frame, read through a
 * {@link BoundedProtostuffInput} within the body's {@link DecodeBudget}, with per-thread state reused call after call.
 */
final class ProtostuffPojoCodec implements ValueCodec {
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private final Class<?> pojo;
    private final Schema<Object> schema;
    /**
     * Set once a message of this class outgrew a 2-byte length prefix (16 KiB): from then on 4 bytes are reserved,
     * so a large message is written in place instead of being moved behind a longer prefix on every call. A plain
     * field: a thread that reads it late reserves 2 bytes once more, which is still correct.
     */
    private boolean wide;
    /** The size of the last message written, as the next one's {@link #sizeHint()}; same benign race as {@link #wide}. */
    private int lastSize;

    ProtostuffPojoCodec(Class<?> pojo, Schema<Object> schema) {
        this.pojo = pojo;
        this.schema = schema;
    }

    @Override
    public void write(ByteBuf out, Object value) throws Exception {
        // the message goes straight into the frame behind a 2- or 4-byte length, filled in once the size is known
        int lengthAt = out.writerIndex();
        int prefix = wide ? 4 : 2;
        out.writeZero(prefix);
        Scratch st = SCRATCH.get().take();
        try {
            schema.writeTo(st.output.use(out), value);
        } finally {
            st.release();
        }
        int size = out.writerIndex() - lengthAt - prefix;
        if (prefix == 2 && size >= 1 << 14) {
            wide = true;
        }
        writeLength(out, lengthAt, prefix, size);
        lastSize = size;
    }

    @Override
    public int sizeHint() {
        return lastSize + 4;
    }

    @Override
    public Object read(ByteBuf in) {
        int size = Varints.readCount(in);
        Object message = schema.newMessage();
        Scratch st = SCRATCH.get().take();
        try {
            BoundedProtostuffInput input;
            if (in.hasArray()) {
                byte[] array = in.array();
                input = st.bounded.use(new ByteArrayInput(array, in.arrayOffset() + in.readerIndex(), size, true), array);
            } else {
                // measured: copying a small body out of a direct buffer and decoding the array beats Protostuff's
                // ByteBufferInput (per-byte ByteBuffer reads); the array and its reader are reused per thread
                input = st.load(in, size);
            }
            schema.mergeFrom(input, message);
            input.checkLastTagWas(0);
        } catch (CorruptBodyException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptBodyException("protostuff could not decode a " + pojo.getName() + ": " + e, e);
        } finally {
            st.release();
        }
        in.skipBytes(size);
        return message;
    }

    /**
     * Fills in the {@code prefix} bytes (2 or 4) reserved before a message with its size as a varint of exactly that
     * width (non-minimal for smaller sizes, which every varint reader decodes), or, when the size does not fit (once
     * per class: see {@link #wide}), writes a minimal varint and moves the message behind it.
     */
    static void writeLength(ByteBuf out, int lengthAt, int prefix, int size) {
        if (prefix == 2 && size < 1 << 14) {
            out.setShort(lengthAt, ((size & 0x7F) | 0x80) << 8 | (size >>> 7));
            return;
        }
        if (prefix == 4 && size < 1 << 28) {
            out.setInt(lengthAt, ((size & 0x7F) | 0x80) << 24 | ((size >>> 7 & 0x7F) | 0x80) << 16
                    | ((size >>> 14 & 0x7F) | 0x80) << 8 | size >>> 21);
            return;
        }
        byte[] message = ByteBufUtil.getBytes(out, lengthAt + prefix, size);
        out.writerIndex(lengthAt);
        Varints.writeVarint(out, size);
        out.writeBytes(message);
    }

    /**
     * Per-thread encoding and decoding state, reused call after call: the output that writes into the frame, a byte
     * array with its reader for decoding out of direct buffers, and the length-checking input every decode reads
     * through. A nested use on the same thread (a delegate value inside a POJO) gets a fresh one.
     */
    private static final class Scratch {
        private static final int KEEP_BYTES = 64 * 1024; // larger bodies get a one-off array
        final ByteBufProtostuffOutput output = new ByteBufProtostuffOutput();
        final BoundedProtostuffInput bounded = new BoundedProtostuffInput();
        private byte[] bytes = new byte[512];
        private ByteArrayInput input = new ByteArrayInput(bytes, 0, 0, true);
        private boolean inUse;

        Scratch take() {
            if (inUse) {
                return new Scratch().take();
            }
            inUse = true;
            return this;
        }

        /** Copies {@code size} bytes at the reader index of {@code in} and returns a reader over them. */
        BoundedProtostuffInput load(ByteBuf in, int size) {
            if (size > KEEP_BYTES) {
                byte[] copy = ByteBufUtil.getBytes(in, in.readerIndex(), size, false);
                return bounded.use(new ByteArrayInput(copy, 0, size, true), copy);
            }
            if (size > bytes.length) {
                bytes = new byte[Math.max(size, Math.min(KEEP_BYTES, bytes.length * 2))];
                input = new ByteArrayInput(bytes, 0, 0, true);
            }
            in.getBytes(in.readerIndex(), bytes, 0, size);
            return bounded.use(input.reset(0, size), bytes);
        }

        void release() {
            output.release();
            bounded.clear();
            inUse = false;
        }
    }
}
