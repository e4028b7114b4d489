package io.tern.rpc.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.Frame;
import io.tern.rpc.protocol.FrameDecoder;
import io.tern.rpc.protocol.FrameHeader;
import io.tern.rpc.protocol.InboundBudget;
import io.tern.rpc.protocol.Inflation;
import io.tern.rpc.protocol.MessageCodec;
import io.tern.rpc.protocol.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * Per-connection server logic. On the I/O thread: answer PING, decode the request envelope and arguments, route
 * through the dispatch table and refuse what cannot run (bad request, not found, shutting down, busy). The
 * method runs on the business executor (or inline in DIRECT mode); its response is encoded on that thread and
 * handed back through the connection's {@link WriteQueue}.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

    /**
     * Bodies up to this size (as received, or inflated so far) are decoded on the I/O thread; the arguments of a
     * larger one are inflated and decoded on a business thread, so one big request never stalls the other
     * connections of its I/O thread for more than decoding this many bytes takes.
     */
    static final int INLINE_BODY_BYTES = 128 * 1024;

    private final RpcServer server;
    private final InboundBudget.Share inbound;
    /** Request ids this connection's client has cancelled (the most recent ones). */
    private final CancelledIds cancelled = new CancelledIds();
    /** Calls of this connection admitted and not yet answered. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** In-flight calls at which this connection stops being read: a quarter of what the executor admits (at least 64). */
    private final int pauseAt;
    private WriteQueue writes;
    private final BatchWrites batch = new BatchWrites();
    /** The last routing prefix seen on this connection (unpooled heap bytes) and where it led. */
    private ByteBuf cachedPrefix;
    private Route cachedRoute;

    private record Route(String serviceKey, ExportedService service, ExportedService.ServerMethod method) {
    }

    ServerHandler(RpcServer server, InboundBudget.Share inbound) {
        this.server = server;
        this.inbound = inbound;
        this.pauseAt = Math.max(64, (server.config().executorThreads() + server.config().executorQueue()) / 4);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        writes = new WriteQueue(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        batch.batchStarted();
        Frame frame = (Frame) msg;
        try {
            switch (frame.type()) {
                case MessageType.REQUEST -> onRequest(ctx, frame);
                case MessageType.PING -> writes.write(FrameHeader.control(ctx.alloc(), MessageType.PONG, frame.requestId()));
                case MessageType.CANCEL -> {
                    cancelled.add(frame.requestId());
                    server.cancelReceived();
                }
                case MessageType.PONG -> {
                    if (frame.requestId() == RpcServer.DRAIN_PING_ID) {
                        server.drainAcknowledged(ctx.channel());
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
        ServerConfig config = server.config();
        Serializer serializer = Serializers.byId(frame.codec());
        if (serializer == null || !config.decodes(frame.codec())) {
            reply(ctx, id, Serializers.protostuff(), RpcResponse.status(Status.BAD_REQUEST, serializer == null
                    ? "request codec " + frame.codec() + " is unknown (1 = protostuff, 2 = kryo)"
                    : "request codec " + frame.codec() + " (" + serializer.name() + ") is not enabled on this provider"
                    + " (rpc.server.serializations=" + config.serializationNames() + ")"), null);
            return;
        }
        ByteBuf body = frame.body();
        Inflation inflation = null;
        boolean handedOff = false;
        try {
            if (frame.compress() != FrameHeader.COMPRESS_NONE) {
                // only as much as any request head needs: the rest is inflated once the token has been checked
                inflation = Inflation.start(frame.compress(), body, config.maxFrameLength(), ctx.alloc());
                inflation.inflateTo(INLINE_BODY_BYTES);
                body = inflation.output();
            }
            // routing: a connection usually calls the same few methods, so the raw bytes of the last routing prefix
            // (service key, method, descriptors) are compared first; only a new prefix is decoded and looked up
            int prefixStart = body.readerIndex();
            int prefixLength = MessageCodec.routingPrefixLength(body);
            Route route = cachedRoute;
            boolean hit = route != null && prefixLength == cachedPrefix.readableBytes()
                    && io.netty.buffer.ByteBufUtil.equals(body, prefixStart, cachedPrefix, 0, prefixLength)
                    && server.service(route.serviceKey()) == route.service();
            Map<String, String> attachments;
            MessageCodec.RequestHead head = null;
            try {
                if (hit) {
                    body.skipBytes(prefixLength);
                    attachments = MessageCodec.decodeAttachments(body);
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
            String token = config.authToken();
            if (token != null && !tokenMatches(token, attachments.isEmpty() ? null : attachments.remove(RpcRequest.AUTH_TOKEN))) {
                server.authRefused();
                String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
                server.peerLog().warn(log, peer, "Refused a request from " + peer + ": missing or wrong auth token (rpc.security.token; "
                        + server.authRefusals() + " refused since start)");
                reply(ctx, id, serializer, RpcResponse.status(Status.BAD_REQUEST,
                        "authentication failed: the request carries no token or a wrong one (rpc.security.token)"), null);
                return;
            }
            if (!hit) {
                ExportedService found = server.service(head.serviceKey());
                if (found == null) {
                    reply(ctx, id, serializer, RpcResponse.status(Status.SERVICE_NOT_FOUND, "service " + head.serviceKey()
                            + " is not exported at " + FrameDecoder.peer(ctx.channel().localAddress()) + " (exported: " + String.join(", ", server.serviceKeys()) + ")"), null);
                    return;
                }
                ExportedService.ServerMethod m = found.find(head.methodName(), head.parameterTypes());
                if (m == null) {
                    reply(ctx, id, serializer, RpcResponse.status(Status.METHOD_NOT_FOUND, "service " + head.serviceKey() + " has no method "
                            + head.methodName() + "(" + String.join(", ", head.parameterTypes()) + ")"), null);
                    return;
                }
                route = new Route(head.serviceKey(), found, m);
                if (prefixLength > 0) {
                    cachedPrefix = io.netty.buffer.Unpooled.wrappedBuffer(io.netty.buffer.ByteBufUtil.getBytes(body, prefixStart, prefixLength));
                    cachedRoute = route;
                }
            }
            ExportedService service = route.service();
            ExportedService.ServerMethod method = route.method();
            ValueCodec[] argCodecs = method.codecs().argCodecs(serializer);
            if (argCodecs == null) {
                reply(ctx, id, serializer, RpcResponse.status(Status.BAD_REQUEST, method.codecs().unsupportedReason(serializer)), null);
                return;
            }
            if (server.shuttingDown()) {
                reply(ctx, id, serializer, RpcResponse.status(Status.SHUTTING_DOWN, "provider " + FrameDecoder.peer(ctx.channel().localAddress())
                        + " is shutting down; call another provider"), null);
                return;
            }
            long deadlineMillis = io.tern.rpc.protocol.Attachments.deadlineMillis(attachments);
            boolean large = inflation != null ? !inflation.finished() : body.readableBytes() > INLINE_BODY_BYTES;
            if (large) {
                handedOff = dispatchLarge(ctx, new ServerCall(ctx, id, serializer, method, null, attachments, receivedNanos, deadlineMillis),
                        new LargeBody(inflation, inflation != null ? frame.body().retain() : body.retain(), argCodecs,
                                inflation != null ? config.maxFrameLength() : body.readableBytes()));
                return;
            }
            Object[] args = MessageCodec.decodeArguments(body, argCodecs);
            dispatch(ctx, service, new ServerCall(ctx, id, serializer, method, args, attachments, receivedNanos, deadlineMillis));
        } catch (CorruptBodyException e) {
            log.debug("bad request {} from {}: {}", id, FrameDecoder.peer(ctx.channel().remoteAddress()), e.getMessage());
            reply(ctx, id, serializer, RpcResponse.status(Status.BAD_REQUEST, "request body could not be decoded: " + e.getMessage()), null);
        } finally {
            if (inflation != null && !handedOff) {
                inflation.close();
            }
        }
    }

    /**
     * The undecoded arguments of a large request, held (and counted against the inbound budget) until a business
     * thread decodes them: the rest of the inflation, or the received body positioned at the first argument.
     */
    private final class LargeBody {
        private final Inflation inflation;
        /** The received body (for a compressed one, the compressed bytes the inflation reads). */
        private final ByteBuf received;
        private final ValueCodec[] argCodecs;
        private final long reserved;
        private boolean holdsReservation;
        private boolean released;

        LargeBody(Inflation inflation, ByteBuf received, ValueCodec[] argCodecs, long reserved) {
            this.inflation = inflation;
            this.received = received;
            this.argCodecs = argCodecs;
            this.reserved = reserved;
        }

        Object[] decode() {
            if (inflation == null) {
                return MessageCodec.decodeArguments(received, argCodecs);
            }
            inflation.inflateAll();
            return MessageCodec.decodeArguments(inflation.output(), argCodecs);
        }

        void release() {
            if (released) {
                return;
            }
            released = true;
            if (inflation != null) {
                inflation.close();
            }
            received.release();
            if (holdsReservation) {
                inbound.release(reserved);
            }
        }
    }

    /** Queues a large request on the business executor (whatever its mode), if the inbound budget has room for it. */
    private boolean dispatchLarge(ChannelHandlerContext ctx, ServerCall call, LargeBody body) {
        if (!inbound.reserve(body.reserved)) {
            body.release();
            reply(ctx, call.id, call.serializer, RpcResponse.status(Status.SERVER_BUSY, "provider " + FrameDecoder.peer(ctx.channel().localAddress())
                    + " holds its budget of large request bodies waiting to be decoded (rpc.server.max-buffered-bytes); try another provider"), null);
            return true;
        }
        body.holdsReservation = true;
        call.large = body;
        if (!admit(ctx, call)) {
            body.release();
            return true;
        }
        try {
            server.executor().execute(call);
        } catch (RejectedExecutionException e) {
            callEnded(ctx);
            body.release();
            replyBusy(ctx, call);
        }
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batch.batchComplete(ctx);
        ctx.fireChannelReadComplete();
    }

    /** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
    private static boolean tokenMatches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateAutoRead(ctx);
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Backpressure: a connection is read only while its client reads its responses (outbound under the write
     * water mark) and it holds fewer than {@link #pauseAt} calls in flight, so neither its buffered responses nor
     * its share of the business executor grow without bound. Event loop only.
     */
    private void updateAutoRead(ChannelHandlerContext ctx) {
        boolean read = ctx.channel().isWritable() && inFlight.get() < pauseAt;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /**
     * Counts a call against the server and this connection; false (and a SERVER_BUSY answer) past the connection's
     * hard share. Past its soft share the connection stops being read until half of its calls are done.
     */
    private boolean admit(ChannelHandlerContext ctx, ServerCall call) {
        int n = inFlight.incrementAndGet();
        if (n > 2 * pauseAt) {
            inFlight.decrementAndGet();
            reply(ctx, call.id, call.serializer, RpcResponse.status(Status.SERVER_BUSY, "connection from " + FrameDecoder.peer(ctx.channel().remoteAddress())
                    + " already has " + (n - 1) + " calls in flight at provider " + FrameDecoder.peer(ctx.channel().localAddress())
                    + ", its share of rpc.server.executor-threads + rpc.server.executor-queue"), null);
            return false;
        }
        if (n == pauseAt) {
            updateAutoRead(ctx);
        }
        server.callStarted();
        return true;
    }

    /** A call admitted by {@link #admit} ended (answered, refused, or never to run). Any thread. */
    private void callEnded(ChannelHandlerContext ctx) {
        server.callFinished();
        if (inFlight.decrementAndGet() == pauseAt / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.executor().execute(() -> updateAutoRead(ctx));
        }
    }

    private void dispatch(ChannelHandlerContext ctx, ExportedService service, ServerCall call) {
        if (!admit(ctx, call)) {
            return;
        }
        if (service.mode() == ExportedService.ExecutionMode.DIRECT) {
            call.run();
            return;
        }
        try {
            server.executor().execute(call);
        } catch (RejectedExecutionException e) {
            callEnded(ctx);
            replyBusy(ctx, call);
        }
    }

    private void replyBusy(ChannelHandlerContext ctx, ServerCall call) {
        reply(ctx, call.id, call.serializer, RpcResponse.status(Status.SERVER_BUSY, "provider " + FrameDecoder.peer(ctx.channel().localAddress())
                + " is busy: all " + server.config().executorThreads() + " business threads and " + server.config().executorQueue()
                + " queue slots taken (rpc.server.executor-threads / rpc.server.executor-queue)"), null);
    }

    /**
     * Encodes and queues a response. An encoding failure, or a response over rpc.max-frame-length (which the client
     * would answer by closing the whole connection, failing every other call on it), becomes an INTERNAL_ERROR
     * response for this request alone: the method ran, the framework could not deliver its result.
     */
    void reply(ChannelHandlerContext ctx, int id, Serializer serializer, RpcResponse response, ValueCodec resultCodec) {
        ByteBuf frame;
        // refusals (BAD_REQUEST, not found, busy...) are small and must be readable by any client: never compressed
        Compression compression = response.status() == Status.OK || response.status() == Status.APPLICATION_ERROR
                ? server.config().compression() : Compression.NONE;
        try {
            frame = MessageCodec.encodeResponse(ctx.alloc(), id, serializer, compression, response, resultCodec);
        } catch (Exception e) {
            log.warn("cannot encode the response to request {}: {}", id, e.toString(), e);
            frame = internalError(ctx, id, serializer, "provider could not encode the response: " + e);
        }
        int limit = server.config().maxFrameLength();
        if (frame != null && frame.readableBytes() > limit) {
            String failure = "the response is " + frame.readableBytes() + " bytes encoded, over this provider's limit of " + limit
                    + " bytes (rpc.max-frame-length as set on this provider; the client's setting may differ); not sent";
            frame.release();
            String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
            server.peerLog().warn(log, peer, "Response to request " + id + " from " + peer + ": " + failure);
            frame = internalError(ctx, id, serializer, failure);
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
    private ByteBuf internalError(ChannelHandlerContext ctx, int id, Serializer serializer, String message) {
        try {
            return MessageCodec.encodeResponse(ctx.alloc(), id, serializer, Compression.NONE, RpcResponse.status(Status.INTERNAL_ERROR, message), null);
        } catch (Exception again) {
            log.error("cannot encode an INTERNAL_ERROR response to request {}", id, again);
            return null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && inFlight.get() > 0 && ctx.channel().isWritable()) {
            return; // not read because its own calls are still running (see updateAutoRead), not because it is idle
        }
        if (evt instanceof IdleStateEvent) {
            String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
            server.peerLog().info(log, peer, "Closing idle connection from " + peer + " (no inbound bytes read for " + server.config().idleTimeout().toMillis()
                    + " ms, rpc.server.idle-timeout" + (ctx.channel().config().isAutoRead() ? "" : "; it was not reading its responses") + ")");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = FrameDecoder.peer(ctx.channel().remoteAddress());
        server.peerLog().warn(log, peer, "Closing connection from " + peer + " after an error: " + cause);
        ctx.close();
    }

    /** One accepted call: runs the method (or refuses it if its deadline passed in the queue) and replies. */
    final class ServerCall extends RpcContext implements Runnable {
        final int id;
        final Serializer serializer;
        private final ChannelHandlerContext ctx;
        private final ExportedService.ServerMethod method;
        private Object[] args;
        /** Arguments still to decode on this (business) thread; null once decoded or for a small request. */
        LargeBody large;

        ServerCall(ChannelHandlerContext ctx, int id, Serializer serializer, ExportedService.ServerMethod method, Object[] args,
                   Map<String, String> attachments, long receivedNanos, long deadlineMillis) {
            super(attachments, receivedNanos + Math.max(deadlineMillis, 0) * 1_000_000L, deadlineMillis >= 0);
            this.ctx = ctx;
            this.id = id;
            this.serializer = serializer;
            this.method = method;
            this.args = args;
        }

        /** Never to run (the executor shut down with this call queued): let go of what it holds. */
        void discard() {
            if (large != null) {
                large.release();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled.contains(id);
        }

        @Override
        public void run() {
            if (cancelled.contains(id)) {
                // cancelled while queued: not run, and not answered (the client has forgotten the id)
                server.callCancelledBeforeRun();
                if (large != null) {
                    large.release();
                }
                callEnded(ctx);
                return;
            }
            LargeBody body = large;
            if (body != null) {
                large = null;
                try {
                    if (!(hasDeadline() && remainingNanos() < 0)) {
                        args = body.decode();
                    }
                } catch (CorruptBodyException e) {
                    finish(RpcResponse.status(Status.BAD_REQUEST, "request body could not be decoded: " + e.getMessage()));
                    return;
                } finally {
                    body.release();
                }
            }
            if (hasDeadline() && remainingNanos() < 0) {
                finish(RpcResponse.status(Status.DEADLINE_EXCEEDED, "deadline passed while the request waited in the provider's queue; not run"));
                return;
            }
            RpcContext previous = RpcContext.enter(this);
            Object result;
            try {
                result = method.invoke(args);
            } catch (Throwable t) {
                finish(RpcResponse.error(t));
                return;
            } finally {
                RpcContext.restore(previous);
            }
            if (method.codecs().async()) {
                if (result == null) {
                    finish(RpcResponse.error(new NullPointerException(method.codecs().describe() + " returned null instead of a CompletableFuture")));
                    return;
                }
                if (result instanceof CompletableFuture<?> done && done.isDone() && !done.isCompletedExceptionally()) {
                    finish(RpcResponse.ok(done.getNow(null))); // already complete: no callback to allocate
                    return;
                }
                ((CompletionStage<?>) result).whenComplete((value, error) -> finish(error == null ? RpcResponse.ok(value)
                        : RpcResponse.error(error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error)));
                return;
            }
            finish(RpcResponse.ok(result));
        }

        private void finish(RpcResponse response) {
            try {
                reply(ctx, id, serializer, response, method.codecs().resultCodec(serializer));
            } finally {
                callEnded(ctx);
            }
        }
    }
}
