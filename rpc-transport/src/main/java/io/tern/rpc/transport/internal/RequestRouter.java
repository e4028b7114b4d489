package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.transport.internal.InboundBudget;
import io.tern.rpc.protocol.internal.Inflation;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.transport.ServerConfig;

import java.util.Map;

/**
 * The routing step of a connection's requests, on its I/O thread: checks the codec, inflates a compressed body only
 * as far as any request head needs, decodes the head and finds the route. A connection usually calls the same few
 * methods, so the raw bytes of the last routing prefix (service key, method, descriptors) are compared first; only a
 * new prefix is decoded and looked up. Its fields are the request being read: a connection reads one at a time.
 */
final class RequestRouter {
    /**
     * Bodies up to this size (as received, or inflated so far) are decoded on the I/O thread; the arguments of a
     * larger one are inflated and decoded on a business thread, so one big request never stalls the other
     * connections of its I/O thread for more than decoding this many bytes takes.
     */
    static final int INLINE_BODY_BYTES = 128 * 1024;

    private final ServerConfig config;
    private final ExportTable exports;
    /** The last routing prefix seen on this connection (unpooled heap bytes) and where it led. */
    private ByteBuf cachedPrefix;
    private Route cachedRoute;

    private ByteBuf received;
    private Inflation inflation;
    /** The body as decoded: the received one, or what has been inflated of it. */
    private ByteBuf body;
    private int prefixStart;
    private int prefixLength;
    private MessageCodec.RequestHead head;
    private Map<String, String> attachments;
    private Route route;
    private boolean handedOff;

    RequestRouter(ServerConfig config, ExportTable exports) {
        this.config = config;
        this.exports = exports;
    }

    /** The serializer of a request's codec; refused if unknown or not enabled here. */
    Serializer serializer(int codec) throws RequestRefused {
        Serializer serializer = Serializers.byId(codec);
        if (serializer == null || !config.decodes(codec)) {
            throw new RequestRefused(Status.BAD_REQUEST, serializer == null
                    ? "request codec " + codec + " is unknown (1 = protostuff, 2 = kryo)"
                    : "request codec " + codec + " (" + serializer.name() + ") is not enabled on this provider"
                    + " (rpc.server.serializations=" + config.serializationNames() + ")");
        }
        return serializer;
    }

    /** Decodes the head of {@code frame}'s body up to its attachments; {@link #requestDone()} must follow. */
    void readHead(Frame frame, ByteBufAllocator alloc) {
        received = frame.body();
        body = received;
        if (frame.compress() != FrameHeader.COMPRESS_NONE) {
            // only as much as any request head needs: the rest is inflated once the token has been checked
            inflation = Inflation.start(frame.compress(), received, config.maxFrameLength(), alloc);
            inflation.inflateTo(INLINE_BODY_BYTES);
            body = inflation.output();
        }
        prefixStart = body.readerIndex();
        prefixLength = MessageCodec.routingPrefixLength(body);
        Route cached = cachedRoute;
        try {
            if (cached != null && prefixLength == cachedPrefix.readableBytes()
                    && ByteBufUtil.equals(body, prefixStart, cachedPrefix, 0, prefixLength) && exports.current(cached)) {
                body.skipBytes(prefixLength);
                attachments = MessageCodec.decodeAttachments(body);
                route = cached;
            } else {
                head = MessageCodec.decodeRequestHead(body);
                attachments = head.attachments();
            }
        } catch (CorruptBodyException e) {
            if (inflation != null && !inflation.finished()) {
                throw new CorruptBodyException("the request head (service key, method, parameter types, attachments) is not"
                        + " within the first " + INLINE_BODY_BYTES + " bytes of the body: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The request's attachments (mutable: the token check takes the token out). */
    Map<String, String> attachments() {
        return attachments;
    }

    /** Where the request goes; refused if its service or method is not exported. */
    Route route(Channel channel) throws RequestRefused {
        if (route == null) {
            route = exports.route(head.serviceKey(), head.methodName(), head.parameterTypes(), channel.localAddress());
            if (prefixLength > 0) {
                cachedPrefix = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(body, prefixStart, prefixLength));
                cachedRoute = route;
            }
        }
        return route;
    }

    /** Whether the arguments are left to a business thread (see {@link #INLINE_BODY_BYTES}). */
    boolean large() {
        return inflation != null ? !inflation.finished() : body.readableBytes() > INLINE_BODY_BYTES;
    }

    Object[] decodeArguments(ValueCodec[] argCodecs) {
        return MessageCodec.decodeArguments(body, argCodecs);
    }

    /** Hands the undecoded arguments (and the inflation) over to a holder that outlives this frame. */
    LargeBody handOff(ValueCodec[] argCodecs, InboundBudget.Share inbound) {
        handedOff = true;
        return inflation != null
                ? new LargeBody(inflation, received.retain(), argCodecs, inbound, config.maxFrameLength())
                : new LargeBody(null, body.retain(), argCodecs, inbound, body.readableBytes());
    }

    /** Lets go of the request: closes its inflation unless handed off. */
    void requestDone() {
        if (inflation != null && !handedOff) {
            inflation.close();
        }
        received = null;
        inflation = null;
        body = null;
        head = null;
        attachments = null;
        route = null;
        handedOff = false;
    }
}
