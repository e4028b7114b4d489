package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.ValueCodec;

/** One frame read from (or seen on) a raw socket: the 16 header fields and the body bytes as sent. */
record RawFrame(int magic, byte version, int length, byte type, byte codec, byte compress, int requestId, byte[] body) {

    /** The status byte of a RESPONSE body (its first byte). */
    Status status() {
        if (body.length == 0) {
            throw new AssertionError("frame has no body: " + this);
        }
        return Status.ofCode(body[0]);
    }

    /** Decodes an uncompressed RESPONSE body; {@code resultCodec} only matters for OK responses. */
    RpcResponse response(ValueCodec resultCodec) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return MessageCodec.decodeResponse(buf, resultCodec);
        } finally {
            buf.release();
        }
    }

    @Override
    public String toString() {
        return "RawFrame{type=" + type + ", codec=" + codec + ", compress=" + compress + ", id=" + requestId + ", length=" + length
                + (type == 2 && body.length > 0 ? ", status=" + Status.ofCode(body[0]) : "") + '}';
    }
}
