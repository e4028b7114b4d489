package io.tern.rpc.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes REQUEST and RESPONSE bodies. The envelope (service key, method, parameter descriptors,
 * attachments, status, error chain) is a fixed compact layout; arguments and results are written by the frame's
 * codec against their declared types, so decoding never needs a class name from the wire.
 *
 * <pre>
 * REQUEST  body: str serviceKey, str method, varint n, str[n] paramTypes, attachments, args...
 * RESPONSE body: byte status, attachments, OK: result | else: varint n, n x (str class, str message, stack)
 * attachments:   varint n, n x (str key, str value);  str: varint (utf8 length + 1, 0 = null), utf8 bytes
 * </pre>
 *
 * <p>Every decode entry point opens the {@link DecodeBudget} of the body it reads, and every size the peer announces
 * is checked against its limit before anything is allocated for it: the routing strings and parameter count here,
 * the attachments in {@link Attachments}, stack frames per error, and values in the codecs.
 */
public final class MessageCodec {
    /** Most stack frames sent, and accepted, per error of a response. */
    public static final int MAX_STACK_FRAMES = 64;
    /** Most parameter types a request may name: the JVM's limit on a method's parameters. */
    public static final int MAX_PARAMETERS = 255;
    /** Longest service key, method name or parameter type descriptor, in UTF-8 bytes. */
    public static final int MAX_ROUTING_STRING_BYTES = 1024;

    private MessageCodec() {
    }

    /** Encodes a complete REQUEST frame, compressing the body when {@code compression} applies to its size. */
    public static ByteBuf encodeRequest(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                                       RpcRequest request, ValueCodec[] argCodecs) throws Exception {
        return encodeRequest(alloc, requestId, serializer, compression, request, argCodecs, null);
    }

    /**
     * As {@link #encodeRequest(ByteBufAllocator, int, Serializer, Compression, RpcRequest, ValueCodec[])}, with the
     * routing prefix (service key, method, descriptors) already encoded by {@link #routingPrefix}; it must match
     * the request's.
     */
    public static ByteBuf encodeRequest(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                                       RpcRequest request, ValueCodec[] argCodecs, byte[] prefix) throws Exception {
        ByteBuf buf = alloc.ioBuffer(256);
        try {
            int start = FrameHeader.begin(buf, MessageType.REQUEST, serializer.id(), FrameHeader.COMPRESS_NONE, requestId);
            if (prefix != null) {
                buf.writeBytes(prefix); // the same service key, method and descriptors every call: encoded once
            } else {
                writeRoutingPrefix(buf, request.serviceKey(), request.methodName(), request.parameterTypes());
            }
            writeAttachments(buf, request.attachments());
            Object[] args = request.arguments();
            for (int i = 0; i < argCodecs.length; i++) {
                argCodecs[i].write(buf, args[i]);
            }
            return finish(alloc, buf, start, compression);
        } catch (Exception | Error e) {
            buf.release();
            throw e;
        }
    }

    /** Encodes a complete RESPONSE frame. {@code resultCodec} may be null when the status is not OK. */
    public static ByteBuf encodeResponse(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                                         RpcResponse response, ValueCodec resultCodec) throws Exception {
        ByteBuf buf = alloc.ioBuffer(128);
        try {
            int start = FrameHeader.begin(buf, MessageType.RESPONSE, serializer.id(), FrameHeader.COMPRESS_NONE, requestId);
            buf.writeByte(response.status().code());
            writeAttachments(buf, response.attachments());
            if (response.status() == Status.OK) {
                resultCodec.write(buf, response.result());
            } else {
                List<RpcResponse.RemoteError> errors = response.errors();
                Varints.writeVarint(buf, errors.size());
                for (RpcResponse.RemoteError e : errors) {
                    Varints.writeString(buf, e.className());
                    Varints.writeString(buf, e.message());
                    StackTraceElement[] st = e.stackTrace();
                    int n = Math.min(st.length, MAX_STACK_FRAMES);
                    Varints.writeVarint(buf, n);
                    for (int i = 0; i < n; i++) {
                        Varints.writeString(buf, st[i].getClassName());
                        Varints.writeString(buf, st[i].getMethodName());
                        Varints.writeString(buf, st[i].getFileName());
                        Varints.writeVarint(buf, st[i].getLineNumber() + 2); // -2 marks a native method
                    }
                }
            }
            return finish(alloc, buf, start, compression);
        } catch (Exception | Error e) {
            buf.release();
            throw e;
        }
    }

    private static ByteBuf finish(ByteBufAllocator alloc, ByteBuf buf, int start, Compression compression) {
        int bodyLength = buf.writerIndex() - start - FrameHeader.LENGTH;
        if (!compression.appliesTo(bodyLength)) {
            FrameHeader.finish(buf, start);
            return buf;
        }
        ByteBuf compressed = alloc.ioBuffer(FrameHeader.LENGTH + bodyLength / 2);
        try {
            compressed.writeBytes(buf, start, FrameHeader.LENGTH);
            compressed.setByte(FrameHeader.OFFSET_COMPRESS, compression.id());
            Compression.gzipInto(buf, start + FrameHeader.LENGTH, bodyLength, compressed);
            FrameHeader.finish(compressed, 0);
            return compressed;
        } catch (RuntimeException e) {
            compressed.release();
            throw e;
        } finally {
            buf.release();
        }
    }

    /** The encoded routing prefix of a request body: service key, method name, parameter descriptors. */
    public static byte[] routingPrefix(String serviceKey, String methodName, String[] parameterTypes) {
        ByteBuf buf = io.netty.buffer.Unpooled.buffer(128);
        try {
            writeRoutingPrefix(buf, serviceKey, methodName, parameterTypes);
            return io.netty.buffer.ByteBufUtil.getBytes(buf);
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
        if (s != null && s.length() * 3 > MAX_ROUTING_STRING_BYTES && io.netty.buffer.ByteBufUtil.utf8Bytes(s) > MAX_ROUTING_STRING_BYTES) {
            throw new IllegalArgumentException(what + " '" + s.substring(0, Math.min(64, s.length())) + "…' is "
                    + io.netty.buffer.ByteBufUtil.utf8Bytes(s) + " bytes, over the limit of " + MAX_ROUTING_STRING_BYTES + " bytes that a peer accepts");
        }
        Varints.writeString(buf, s);
    }

    /**
     * Length in bytes of the routing prefix at the reader index (service key, method, descriptors), found by
     * skipping the strings without decoding them; -1 if the body is too short to hold one.
     */
    public static int routingPrefixLength(ByteBuf body) {
        int start = body.readerIndex();
        try {
            skipString(body);
            skipString(body);
            int n = Varints.readCount(body);
            if (n > MAX_PARAMETERS) {
                return -1; // not a prefix we route; decodeRequestHead says why
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

    /** Reads the attachments that follow the routing prefix. */
    public static Map<String, String> decodeAttachments(ByteBuf body) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            return readAttachments(body);
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptBodyException("truncated request body", e);
        } finally {
            DecodeBudget.close(previous);
        }
    }

    /** The routing part of a request body; the reader index is left at the first argument. */
    public record RequestHead(String serviceKey, String methodName, String[] parameterTypes, Map<String, String> attachments) {
    }

    public static RequestHead decodeRequestHead(ByteBuf body) {
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
            return new RequestHead(serviceKey, method, types, readAttachments(body));
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
        String s = body.toString(body.readerIndex(), len, java.nio.charset.StandardCharsets.UTF_8);
        body.skipBytes(len);
        return s;
    }

    public static Object[] decodeArguments(ByteBuf body, ValueCodec[] codecs) {
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
        } catch (CorruptBodyException e) {
            throw e;
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptBodyException("truncated arguments", e);
        } catch (Exception e) {
            throw new CorruptBodyException("arguments could not be decoded: " + e, e);
        } catch (StackOverflowError e) {
            // the stack unwinds right here, so the thread is fine; the peer sent a value nested too deeply
            throw new CorruptBodyException("arguments nested too deeply to decode");
        } finally {
            DecodeBudget.close(previous);
        }
    }

    /** Decodes a RESPONSE body; {@code resultCodec} reads the result of an OK response. */
    public static RpcResponse decodeResponse(ByteBuf body, ValueCodec resultCodec) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            Status status = Status.ofCode(body.readByte());
            if (status == null) {
                throw new CorruptBodyException("unknown response status");
            }
            Map<String, String> attachments = readAttachments(body);
            if (status == Status.OK) {
                return new RpcResponse(status, resultCodec.read(body), List.of(), attachments);
            }
            // a peer may send any number of chained errors; keep the first few (rebuilding recurses per entry)
            int n = Math.min(Varints.readCount(body), RpcResponse.RemoteError.MAX_CHAIN);
            List<RpcResponse.RemoteError> errors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String cls = Varints.readString(body);
                String msg = Varints.readString(body);
                int frames = Varints.readVarint(body);
                if (frames < 0 || frames > MAX_STACK_FRAMES) {
                    throw new CorruptBodyException("response error " + i + " announces " + (frames & 0xFFFFFFFFL) + " stack frames, over the limit of "
                            + MAX_STACK_FRAMES);
                }
                StackTraceElement[] st = new StackTraceElement[frames];
                for (int f = 0; f < frames; f++) {
                    String declaring = Varints.readString(body);
                    String method = Varints.readString(body);
                    String file = Varints.readString(body);
                    int line = Varints.readVarint(body) - 2;
                    st[f] = new StackTraceElement(declaring == null ? "?" : declaring, method == null ? "?" : method, file, line);
                }
                errors.add(new RpcResponse.RemoteError(cls, msg, st));
            }
            return new RpcResponse(status, null, errors, attachments);
        } catch (CorruptBodyException e) {
            throw e;
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptBodyException("truncated response body", e);
        } catch (Exception e) {
            throw new CorruptBodyException("response could not be decoded: " + e, e);
        } catch (StackOverflowError e) {
            throw new CorruptBodyException("response nested too deeply to decode");
        } finally {
            DecodeBudget.close(previous);
        }
    }

    private static void writeAttachments(ByteBuf buf, Map<String, String> attachments) {
        AttachmentsCodec.write(buf, attachments);
    }

    private static Map<String, String> readAttachments(ByteBuf body) {
        return AttachmentsCodec.read(body);
    }
}
