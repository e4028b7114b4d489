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

    ProtostuffPojoCodec(Class<?> pojo, Schema<Object> schema) {
        this.pojo = pojo;
        this.schema = schema;
    }

    @Override
    public void write(ByteBuf out, Object value) throws Exception {
        // the message goes straight into the frame behind a 2-byte length, filled in once the size is known
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        Scratch st = SCRATCH.get().take();
        try {
            schema.writeTo(st.output.use(out), value);
        } finally {
            st.release();
        }
        writeLength(out, lengthAt, out.writerIndex() - lengthAt - 2);
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
     * Fills in the length prefix reserved before a message: a 2-byte varint (for sizes under 128 a non-minimal
     * one, which every varint reader decodes), or, rarely, a longer one with the message moved behind it.
     */
    static void writeLength(ByteBuf out, int lengthAt, int size) {
        if (size < 1 << 14) {
            out.setShort(lengthAt, ((size & 0x7F) | 0x80) << 8 | (size >>> 7));
            return;
        }
        byte[] message = ByteBufUtil.getBytes(out, lengthAt + 2, size);
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
