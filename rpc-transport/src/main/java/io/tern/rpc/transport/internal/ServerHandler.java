package io.tern.rpc.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.transport.internal.InboundBudget;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's Netty adapter on the provider. A request goes, on the I/O thread: {@link RequestRouter} (codec,
 * head, route) -> {@link TokenCheck} -> argument codecs -> {@link ServerDrain} (shutting down?) -> decode the
 * arguments (or hand a large body to a {@link LargeBody}) -> {@link CallAdmission} (run inline or queue); then, where
 * it runs, {@link ProviderCall} (the route's filter chain and the method) -> {@link ResponseWriter}. A step that
 * refuses the request throws {@link RequestRefused}, answered here.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

    private final ProviderParts parts;
    private final InboundBudget.Share inbound;
    private final RequestRouter router;
    /** Request ids this connection's client has cancelled (the most recent ones). */
    private final CancelledIds cancelled = new CancelledIds();
    private CallAdmission admission;
    private ResponseWriter writer;

    ServerHandler(ProviderParts parts, InboundBudget.Share inbound) {
        this.parts = parts;
        this.inbound = inbound;
        this.router = new RequestRouter(parts.config(), parts.exports());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        writer = new ResponseWriter(ctx, parts.config(), parts.peerLog());
        admission = new CallAdmission(ctx, parts.drain(), parts.executor(), parts.config());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        writer.batch.batchStarted();
        Frame frame = (Frame) msg;
        try {
            switch (frame.type()) {
                case MessageType.REQUEST -> onRequest(ctx, frame);
                case MessageType.PING -> writer.writeControl(FrameHeader.control(ctx.alloc(), MessageType.PONG, frame.requestId()));
                case MessageType.CANCEL -> {
                    cancelled.add(frame.requestId());
                    parts.counters().cancelsReceived.increment();
                }
                case MessageType.PONG -> {
                    if (frame.requestId() == ServerDrain.DRAIN_PING_ID) {
                        parts.drain().acknowledged(ctx.channel());
                    }
                }
                default -> log.debug("ignoring frame of type {} from client {}", frame.type(), FrameDecoder.peer(ctx.channel().remoteAddress()));
            }
        } finally {
            frame.release();
        }
    }

    private void onRequest(ChannelHandlerContext ctx, Frame frame) {
        long receivedNanos = System.nanoTime();
        int id = frame.requestId();
        Serializer serializer = Serializers.protostuff(); // what a request in an unusable codec is answered in
        try {
            serializer = router.serializer(frame.codec());
            router.readHead(frame, ctx.alloc());
            parts.tokens().check(router.attachments(), ctx.channel()); // before any argument is decoded or inflated
            Route route = router.route(ctx.channel());
            ValueCodec[] argCodecs = route.method().codecs().argCodecs(serializer);
            if (argCodecs == null) {
                throw new RequestRefused(Status.BAD_REQUEST, route.method().codecs().unsupportedReason(serializer));
            }
            parts.drain().refuseIfShuttingDown(ctx.channel());
            ProviderCall call = new ProviderCall(id, serializer, route, router.attachments(), receivedNanos,
                    Attachments.deadlineMillis(router.attachments()), ctx.channel(), cancelled, admission, writer);
            if (router.large()) {
                queueLarge(ctx, call, router.handOff(argCodecs, inbound));
            } else {
                call.arguments(router.decodeArguments(argCodecs));
                admission.dispatch(call, route.direct());
            }
        } catch (RequestRefused refused) {
            if (refused.status() == Status.SERVER_BUSY) {
                parts.counters().serverBusy.increment();
            }
            writer.refuse(id, serializer, refused);
        } catch (CorruptBodyException e) {
            log.debug("bad request {} from {}: {}", id, FrameDecoder.peer(ctx.channel().remoteAddress()), e.getMessage());
            writer.refuse(id, serializer, new RequestRefused(Status.BAD_REQUEST, "request body could not be decoded: " + e.getMessage()));
        } finally {
            router.requestDone();
        }
    }

    /** A large request is decoded on the business executor (whatever its mode), if the inbound budget has room for it. */
    private void queueLarge(ChannelHandlerContext ctx, ProviderCall call, LargeBody body) throws RequestRefused {
        if (!body.reserve()) {
            body.release();
            throw new RequestRefused(Status.SERVER_BUSY, "provider " + FrameDecoder.peer(ctx.channel().localAddress())
                    + " holds its budget of large request bodies waiting to be decoded (rpc.server.max-buffered-bytes); try another provider");
        }
        call.largeBody(body);
        try {
            admission.admit();
            admission.queue(call);
        } catch (RequestRefused refused) {
            call.discard();
            throw refused;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writer.batch.batchComplete(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        admission.updateAutoRead();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && admission.hasCallsInFlight() && ctx.channel().isWritable()) {
            return; // not read because its own calls are still running (see CallAdmission), not because it is idle
        }
        if (evt instanceof IdleStateEvent) {
            String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
            parts.peerLog().info(log, peer, "Closing idle connection from " + peer + " (no inbound bytes read for "
                    + parts.config().idleTimeout().toMillis() + " ms, rpc.server.idle-timeout"
                    + (ctx.channel().config().isAutoRead() ? "" : "; it was not reading its responses") + ")");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
        parts.peerLog().warn(log, peer, "Closing connection from " + peer + " after an error: " + cause);
        ctx.close();
    }
}
