package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.Inflation;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;

import java.util.concurrent.RejectedExecutionException;

import static io.tern.rpc.transport.internal.ClientConnection.log;

/**
 * Completes a call with its RESPONSE frame. A small body is decoded on the I/O thread; a large one (received, or
 * inflated so far) is inflated and decoded on the client's decode executor, so the I/O thread serves its other
 * connections meanwhile.
 */
final class ResponseReader {
    /** Response bodies up to this size (received, or inflated so far) are decoded on the I/O thread; larger ones on the decode executor. */
    static final int INLINE_BODY_BYTES = 128 * 1024;

    private final ClientConnection connection;

    ResponseReader(ClientConnection connection) {
        this.connection = connection;
    }

    /** Event loop: a RESPONSE frame, released by the caller once this returns. */
    void read(ChannelHandlerContext ctx, Frame frame) {
        PendingCall call = connection.calls.answered(frame.requestId());
        if (call == null) {
            log.debug("response {} from {} arrived after its call ended (timed out?)", frame.requestId(), connection.address);
            return;
        }
        ConnectionLifecycle lifecycle = connection.lifecycle;
        if (lifecycle.state() == ClientConnection.State.DRAINING) {
            ctx.channel().eventLoop().execute(lifecycle::closeIfDrained); // after this answer is delivered
        }
        ClientIo io = connection.io;
        ByteBuf body = frame.body();
        Inflation inflation = null;
        boolean handedOff = false;
        try {
            if (frame.compress() != FrameHeader.COMPRESS_NONE) {
                inflation = Inflation.start(frame.compress(), body, io.config().maxFrameLength(), ctx.alloc());
                inflation.inflateTo(INLINE_BODY_BYTES);
                body = inflation.output();
            }
            if (body.isReadable() && body.getByte(body.readerIndex()) == Status.OK.code() && frame.codec() != call.spec.serializer().id()) {
                throw new CorruptBodyException("the result is encoded with codec " + frame.codec() + " but the call was sent with "
                        + call.spec.serializer().name() + " (codec " + call.spec.serializer().id() + ")");
            }
            if (inflation != null ? !inflation.finished() : body.readableBytes() > INLINE_BODY_BYTES) {
                // a big result: inflate and decode it off the I/O thread, which serves other connections meanwhile
                Inflation pendingInflation = inflation;
                ByteBuf received = frame.body().retain();
                try {
                    io.decodeExecutor().execute(() -> decodeLarge(call, received, pendingInflation));
                    handedOff = true;
                } catch (RejectedExecutionException e) {
                    received.release();
                    call.completeExceptionally(new RpcConnectionException("client closed while the response of "
                            + call.spec.description() + " from " + connection.address + " was arriving", true, e));
                }
                return;
            }
            call.complete(MessageCodec.decodeResponse(body, call.spec.resultCodec()));
        } catch (CorruptBodyException e) {
            call.completeExceptionally(undecodable(call, e));
        } finally {
            if (inflation != null && !handedOff) {
                inflation.close();
            }
        }
    }

    private void decodeLarge(PendingCall call, ByteBuf received, Inflation inflation) {
        try {
            ByteBuf body = received;
            if (inflation != null) {
                inflation.inflateAll();
                body = inflation.output();
            }
            call.complete(MessageCodec.decodeResponse(body, call.spec.resultCodec()));
        } catch (CorruptBodyException e) {
            call.completeExceptionally(undecodable(call, e));
        } finally {
            if (inflation != null) {
                inflation.close();
            }
            received.release();
        }
    }

    private RpcException undecodable(PendingCall call, CorruptBodyException e) {
        return new RpcException(Status.INTERNAL_ERROR, "response of " + call.spec.description() + " from " + connection.address
                + " could not be decoded: " + e.getMessage(), true, e);
    }
}
