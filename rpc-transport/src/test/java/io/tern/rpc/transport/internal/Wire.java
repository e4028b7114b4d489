package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.testsupport.Greeter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Builds raw frames byte by byte, independent of the client code under test. */
final class Wire {
    static final String GREETER = Greeter.class.getName();

    private Wire() {
    }

    /** A 16-byte header with every field as given. */
    static byte[] header(int magic, int version, int length, int type, int codec, int compress, int requestId) {
        return ByteBuffer.allocate(FrameHeader.LENGTH).putInt(magic).put((byte) version).putInt(length).put((byte) type)
                .put((byte) codec).put((byte) compress).putInt(requestId).array();
    }

    /** A well-formed frame: header with the right magic, version and length, then {@code body}. */
    static byte[] frame(int type, int codec, int compress, int requestId, byte[] body) {
        byte[] h = header(FrameHeader.MAGIC, FrameHeader.VERSION, FrameHeader.LENGTH + body.length, type, codec, compress, requestId);
        return concat(h, body);
    }

    static byte[] ping(int id) {
        return header(FrameHeader.MAGIC, FrameHeader.VERSION, FrameHeader.LENGTH, MessageType.PING, 0, 0, id);
    }

    static Method greeterMethod(String name, Class<?>... params) {
        try {
            return Greeter.class.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    static MethodCodecs codecs(String name, Class<?>... params) {
        return new MethodCodecs(greeterMethod(name, params));
    }

    /** A complete REQUEST frame for a Greeter method, encoded by MessageCodec with the given serializer. */
    static byte[] request(int id, Serializer serializer, String method, Class<?>[] params, Object[] args, Map<String, String> attachments) {
        MethodCodecs codecs = codecs(method, params);
        return request(id, serializer, Compression.NONE, new RpcRequest(GREETER, method, codecs.descriptors(), args, attachments),
                codecs.argCodecs(serializer));
    }

    static byte[] request(int id, Serializer serializer, Compression compression, RpcRequest request, ValueCodec[] argCodecs) {
        try {
            ByteBuf buf = MessageCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, id, serializer, compression, request, argCodecs);
            try {
                return ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code hello(name)} with protostuff, no compression. */
    static byte[] hello(int id, String name) {
        return request(id, Serializers.protostuff(), "hello", new Class<?>[]{String.class}, new Object[]{name}, Map.of());
    }

    /** The body (everything after the header) of an encoded frame. */
    static byte[] body(byte[] frame) {
        byte[] b = new byte[frame.length - FrameHeader.LENGTH];
        System.arraycopy(frame, FrameHeader.LENGTH, b, 0, b.length);
        return b;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Parses a complete frame held in a byte array (header + body). */
    static RawFrame parse(byte[] header, byte[] body) {
        ByteBuffer h = ByteBuffer.wrap(header);
        return new RawFrame(h.getInt(0), h.get(4), h.getInt(5), h.get(9), h.get(10), h.get(11), h.getInt(12), body);
    }
}
