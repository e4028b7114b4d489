package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

/**
 * Writes and reads values of one declared (generic) type. Built once per method parameter or return type when
 * a service is exported or referenced, so nothing about the type is looked up per call.
 */
public interface ValueCodec {
    void write(ByteBuf out, Object value) throws Exception;

    Object read(ByteBuf in) throws Exception;

    /**
     * About how many bytes the next {@link #write} will take, so the frame's buffer can be sized once instead of
     * growing (and copying) on the way; 0 when unknown. A guess: a wrong one costs a regrowth or some slack, nothing else.
     */
    default int sizeHint() {
        return 0;
    }

    /** The sum of the hints of {@code codecs}. */
    static int sizeHint(ValueCodec[] codecs) {
        long sum = 0;
        for (ValueCodec c : codecs) {
            sum += c.sizeHint();
        }
        return (int) Math.min(sum, 1 << 30);
    }
}
