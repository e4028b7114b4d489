package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

/**
 * Writes and reads values of one declared (generic) type. Built once per method parameter or return type when
 * a service is exported or referenced, so nothing about the type is looked up per call.
 */
public interface ValueCodec {
    void write(ByteBuf out, Object value) throws Exception;

    Object read(ByteBuf in) throws Exception;
}
