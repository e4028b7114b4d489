package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.tern.rpc.protocol.internal.MessageCodec.MAX_PARAMETERS;
import static io.tern.rpc.protocol.internal.MessageCodec.MAX_ROUTING_STRING_BYTES;

/**
 * REQUEST bodies, in the layout {@link MessageCodec} documents: the routing prefix (service key, method,
 * parameter descriptors), the attachments, then the arguments written by their codecs.
 */
final class RequestCodec {
    private RequestCodec() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                          RpcRequest request, ValueCodec[] argCodecs, byte[] prefix) throws Exception {
        ByteBuf buf = alloc.ioBuffer(256 + ValueCodec.sizeHint(argCodecs));
        try {
            int start = FrameHeader.begin(buf, MessageType.REQUEST, serializer.id(), FrameHeader.COMPRESS_NONE, requestId);
            if (prefix != null) {
                buf.writeBytes(prefix); // the same service key, method and descriptors every call: encoded once
            } else {
                writeRoutingPrefix(buf, request.serviceKey(), request.methodName(), request.parameterTypes());
            }
            AttachmentsCodec.write(buf, request.attachments());
            Object[] args = request.arguments();
            for (int i = 0; i < argCodecs.length; i++) {
                argCodecs[i].write(buf, args[i]);
            }
            return FrameHeader.finishFrame(alloc, buf, start, compression);
        } catch (Exception | Error e) {
            buf.release();
            throw e;
        }
    }

    static byte[] routingPrefix(String serviceKey, String methodName, String[] parameterTypes) {
        ByteBuf buf = Unpooled.buffer(128);
        try {
            writeRoutingPrefix(buf, serviceKey, methodName, parameterTypes);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static void writeRoutingPrefix(ByteBuf buf, String serviceKey, String methodName, String[] parameterTypes) {
        if (parameterTypes.length > MAX_PARAMETERS) {
            throw new IllegalArgumentException(methodName + " has " + parameterTypes.length + " parameter types, over the limit of " + MAX_PARAMETERS);
        }
        writeRoutingString(buf, serviceKey, "service key");
        writeRoutingString(buf, methodName, "method name");
        Varints.writeVarint(buf, parameterTypes.length);
        for (String p : parameterTypes) {
            writeRoutingString(buf, p, "parameter type");
        }
    }

    /** Writes a routing string, refusing one a peer would refuse. */
    private static void writeRoutingString(ByteBuf buf, String s, String what) {
        if (s != null && s.length() * 3 > MAX_ROUTING_STRING_BYTES && ByteBufUtil.utf8Bytes(s) > MAX_ROUTING_STRING_BYTES) {
            throw new IllegalArgumentException(what + " '" + s.substring(0, Math.min(64, s.length())) + "…' is "
                    + ByteBufUtil.utf8Bytes(s) + " bytes, over the limit of " + MAX_ROUTING_STRING_BYTES + " bytes that a peer accepts");
        }
        Varints.writeString(buf, s);
    }

    static int routingPrefixLength(ByteBuf body) {
        int start = body.readerIndex();
        try {
            skipString(body);
            skipString(body);
            int n = Varints.readCount(body);
            if (n > MAX_PARAMETERS) {
                return -1; // not a prefix we route; decodeHead says why
            }
            for (int i = 0; i < n; i++) {
                skipString(body);
            }
            return body.readerIndex() - start;
        } catch (IndexOutOfBoundsException | CorruptBodyException e) {
            return -1;
        } finally {
            body.readerIndex(start);
        }
    }

    private static void skipString(ByteBuf body) {
        int lenPlusOne = Varints.readVarint(body);
        if (lenPlusOne > 0) {
            int len = lenPlusOne - 1;
            if (len > body.readableBytes()) {
                throw new CorruptBodyException("string longer than the body");
            }
            body.skipBytes(len);
        }
    }

    static Map<String, String> decodeAttachments(ByteBuf body) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            return AttachmentsCodec.read(body);
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptBodyException("truncated request body", e);
        } finally {
            DecodeBudget.close(previous);
        }
    }

    static MessageCodec.RequestHead decodeHead(ByteBuf body) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            String serviceKey = readRoutingString(body, "request service key");
            String method = readRoutingString(body, "request method name");
            if (serviceKey == null || method == null) {
                throw new CorruptBodyException("request without service key or method name");
            }
            int n = Varints.readVarint(body);
            if (n < 0 || n > MAX_PARAMETERS) {
                throw new CorruptBodyException("request names " + (n & 0xFFFFFFFFL) + " parameter types, over the limit of " + MAX_PARAMETERS);
            }
            String[] types = new String[n];
            for (int i = 0; i < n; i++) {
                types[i] = readRoutingString(body, "request parameter type");
            }
            return new MessageCodec.RequestHead(serviceKey, method, types, AttachmentsCodec.read(body));
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptBodyException("truncated request body", e);
        } finally {
            DecodeBudget.close(previous);
        }
    }

    /** A routing string, refused by its length before it is made. */
    private static String readRoutingString(ByteBuf body, String what) {
        int len = Varints.readStringLength(body, MAX_ROUTING_STRING_BYTES, what);
        if (len < 0) {
            return null;
        }
        String s = body.toString(body.readerIndex(), len, StandardCharsets.UTF_8);
        body.skipBytes(len);
        return s;
    }

    static Object[] decodeArguments(ByteBuf body, ValueCodec[] codecs) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            Object[] args = new Object[codecs.length];
            for (int i = 0; i < codecs.length; i++) {
                args[i] = codecs[i].read(body);
            }
            if (body.isReadable()) {
                throw new CorruptBodyException(body.readableBytes() + " unexpected bytes after the last argument");
            }
            return args;
        } catch (Exception | StackOverflowError e) {
            throw MessageCodec.undecodable(e, "arguments", "arguments");
        } finally {
            DecodeBudget.close(previous);
        }
    }
}
