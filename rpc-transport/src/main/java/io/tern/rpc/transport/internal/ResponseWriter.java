package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.transport.internal.PeerLog;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.transport.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a connection's responses and sends them: on the I/O thread within a read batch (DIRECT mode, refusals)
 * into that batch's flush, from any other thread through the connection's {@link WriteQueue}.
 */
final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    private final ChannelHandlerContext ctx;
    private final ServerConfig config;
    private final PeerLog peerLog;
    private final WriteQueue writes;
    final BatchWrites batch = new BatchWrites();

    ResponseWriter(ChannelHandlerContext ctx, ServerConfig config, PeerLog peerLog) {
        this.ctx = ctx;
        this.config = config;
        this.peerLog = peerLog;
        this.writes = new WriteQueue(ctx.channel());
    }

    /** Sends a control frame (PONG) as is. */
    void writeControl(ByteBuf frame) {
        writes.write(frame);
    }

    void refuse(int id, Serializer serializer, RequestRefused refused) {
        reply(id, serializer, RpcResponse.status(refused.status(), refused.getMessage()), null);
    }

    /**
     * Encodes and queues a response. An encoding failure, or a response over rpc.max-frame-length (which the client
     * would answer by closing the whole connection, failing every other call on it), becomes an INTERNAL_ERROR
     * response for this request alone: the method ran, the framework could not deliver its result.
     */
    void reply(int id, Serializer serializer, RpcResponse response, ValueCodec resultCodec) {
        ByteBuf frame;
        // refusals (BAD_REQUEST, not found, busy...) are small and must be readable by any client: never compressed
        Compression compression = response.status() == Status.OK || response.status() == Status.APPLICATION_ERROR
                ? config.compression() : Compression.NONE;
        try {
            frame = MessageCodec.encodeResponse(ctx.alloc(), id, serializer, compression, response, resultCodec);
        } catch (Exception e) {
            log.warn("cannot encode the response to request {}: {}", id, e.toString(), e);
            frame = internalError(id, serializer, "provider could not encode the response: " + e);
        }
        int limit = config.maxFrameLength();
        if (frame != null && frame.readableBytes() > limit) {
            String failure = "the response is " + frame.readableBytes() + " bytes encoded, over this provider's limit of " + limit
                    + " bytes (rpc.max-frame-length as set on this provider; the client's setting may differ); not sent";
            frame.release();
            String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
            peerLog.warn(log, peer, "Response to request " + id + " from " + peer + ": " + failure);
            frame = internalError(id, serializer, failure);
        }
        if (frame == null) {
            return;
        }
        if (ctx.executor().inEventLoop() && batch.inBatch()) {
            batch.write(ctx, frame); // DIRECT mode and refusals: no queue hop
        } else {
            writes.write(frame);
        }
    }

    /** A small uncompressed INTERNAL_ERROR response, or null (logged) if even that cannot be encoded. */
    private ByteBuf internalError(int id, Serializer serializer, String message) {
        try {
            return MessageCodec.encodeResponse(ctx.alloc(), id, serializer, Compression.NONE, RpcResponse.status(Status.INTERNAL_ERROR, message), null);
        } catch (Exception again) {
            log.error("cannot encode an INTERNAL_ERROR response to request {}", id, again);
            return null;
        }
    }
}
