package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;

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
 * the attachments in {@link AttachmentsCodec}, stack frames per error, and values in the codecs.
 *
 * <p>This class is the entry point other modules call; {@link RequestCodec} and {@link ResponseCodec} do the work.
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
        return RequestCodec.encode(alloc, requestId, serializer, compression, request, argCodecs, null);
    }

    /**
     * As {@link #encodeRequest(ByteBufAllocator, int, Serializer, Compression, RpcRequest, ValueCodec[])}, with the
     * routing prefix (service key, method, descriptors) already encoded by {@link #routingPrefix}; it must match
     * the request's.
     */
    public static ByteBuf encodeRequest(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                                       RpcRequest request, ValueCodec[] argCodecs, byte[] prefix) throws Exception {
        return RequestCodec.encode(alloc, requestId, serializer, compression, request, argCodecs, prefix);
    }

    /** Encodes a complete RESPONSE frame. {@code resultCodec} may be null when the status is not OK. */
    public static ByteBuf encodeResponse(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                                         RpcResponse response, ValueCodec resultCodec) throws Exception {
        return ResponseCodec.encode(alloc, requestId, serializer, compression, response, resultCodec);
    }

    /** The encoded routing prefix of a request body: service key, method name, parameter descriptors. */
    public static byte[] routingPrefix(String serviceKey, String methodName, String[] parameterTypes) {
        return RequestCodec.routingPrefix(serviceKey, methodName, parameterTypes);
    }

    /**
     * Length in bytes of the routing prefix at the reader index (service key, method, descriptors), found by
     * skipping the strings without decoding them; -1 if the body is too short to hold one.
     */
    public static int routingPrefixLength(ByteBuf body) {
        return RequestCodec.routingPrefixLength(body);
    }

    /** Reads the attachments that follow the routing prefix. */
    public static Map<String, String> decodeAttachments(ByteBuf body) {
        return RequestCodec.decodeAttachments(body);
    }

    /** The routing part of a request body; the reader index is left at the first argument. */
    public record RequestHead(String serviceKey, String methodName, String[] parameterTypes, Map<String, String> attachments) {
    }

    public static RequestHead decodeRequestHead(ByteBuf body) {
        return RequestCodec.decodeHead(body);
    }

    public static Object[] decodeArguments(ByteBuf body, ValueCodec[] codecs) {
        return RequestCodec.decodeArguments(body, codecs);
    }

    /** Decodes a RESPONSE body; {@code resultCodec} reads the result of an OK response. */
    public static RpcResponse decodeResponse(ByteBuf body, ValueCodec resultCodec) {
        return ResponseCodec.decode(body, resultCodec);
    }

    /**
     * What a failed decode of {@code what} throws: a refusal keeps its own message; a read past the end is a
     * truncated {@code truncated}; a stack overflow unwinds right at the decode, so the thread is fine, and the
     * peer sent a value nested too deeply.
     */
    static CorruptBodyException undecodable(Throwable e, String truncated, String what) {
        if (e instanceof CorruptBodyException c) {
            return c;
        }
        if (e instanceof IndexOutOfBoundsException) {
            return new CorruptBodyException("truncated " + truncated, e);
        }
        if (e instanceof StackOverflowError) {
            return new CorruptBodyException(what + " nested too deeply to decode");
        }
        return new CorruptBodyException(what + " could not be decoded: " + e, e);
    }
}
