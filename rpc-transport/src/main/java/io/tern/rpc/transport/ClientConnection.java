package io.tern.rpc.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.Frame;
import io.tern.rpc.protocol.FrameDecoder;
import io.tern.rpc.protocol.FrameHeader;
import io.tern.rpc.protocol.Inflation;
import io.tern.rpc.protocol.MessageCodec;
import io.tern.rpc.protocol.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One multiplexed connection to a provider address. Many calls are in flight at once, matched by request id.
 * A call times out on the timer wheel; when the connection drops every pending call fails at once; the
 * connection reconnects with exponential backoff; after GOAWAY it takes no new calls and lets in-flight ones finish.
 */
public final class ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    /** Response bodies up to this size (received, or inflated so far) are decoded on the I/O thread; larger ones on the decode executor. */
    static final int INLINE_BODY_BYTES = 128 * 1024;

    /** Lifecycle of the connection. */
    public enum State { CONNECTING, READY, DRAINING, DISCONNECTED, CLOSED }

    private final RpcClient client;
    private final String host;
    private final int port;
    private final String address;
    /** Sent calls by id, with their timeouts; touched only on the channel's event loop. */
    private final PendingCalls pending = new PendingCalls();
    /** Calls accepted and not yet ended: queued for writing or pending. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Runnable tick = this::tick;
    private boolean tickScheduled;
    /** Calls sent from a response callback on this connection's loop, inside the read batch. */
    private final BatchWrites batch = new BatchWrites();
    private volatile State state = State.CONNECTING;
    private volatile ChannelFuture connectFuture;
    private volatile Channel channel;
    private volatile RequestQueue writes;
    private volatile Throwable lastFailure;
    private volatile boolean closeWhenDrained;
    /** When the last read batch from the provider arrived ({@link System#nanoTime()}; 0 before any): written once per batch. */
    private volatile long lastInboundNanos;
    /** Probe PINGs awaiting their PONG, by request id; touched only on the event loop. */
    private final io.netty.util.collection.IntObjectHashMap<Probe> probes = new io.netty.util.collection.IntObjectHashMap<>();
    private long backoffMillis;
    /** Every channel of this connection lives on this one loop, so the pending calls need no lock. */
    private final io.netty.channel.EventLoop loop;

    ClientConnection(RpcClient client, String host, int port) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.address = host + ":" + port;
        this.backoffMillis = client.config().reconnectMinBackoff().toMillis();
        this.loop = client.nextLoop();
        connect();
    }

    public String address() {
        return address;
    }

    public State state() {
        return state;
    }

    /** True when new calls can be sent now, or will be once the connection being made is up. */
    public boolean isAvailable() {
        State s = state;
        return s == State.READY || s == State.CONNECTING;
    }

    /** The current channel (null before the first connect): tests check that a failed call did not cost a reconnect. */
    Channel channel() {
        return channel;
    }

    /** Calls sent or queued on this connection and not yet ended. */
    public int pendingCalls() {
        return outstanding.get();
    }

    /**
     * When bytes from the provider last arrived, as {@link System#nanoTime()} (0 before any): any response, PONG or
     * part of a frame. A failure detector compares it with what it is waiting for.
     */
    public long lastInboundNanos() {
        return lastInboundNanos;
    }

    /**
     * Sends a PING now; the future completes with the round trip in nanoseconds when its PONG arrives, or fails when
     * the connection is not ready or drops first. The provider answers PINGs on its I/O thread, so a PONG proves the
     * process and the link alive even while every business thread is busy. Cancel the future to stop waiting.
     */
    public CompletableFuture<Long> ping() {
        Channel ch = channel;
        if (state != State.READY || ch == null) {
            return CompletableFuture.failedFuture(new RpcConnectionException("cannot PING " + address + ": not connected", false, lastFailure));
        }
        Probe probe = new Probe(nextId.getAndIncrement(), System.nanoTime());
        try {
            loop.execute(() -> sendProbe(probe, ch));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            probe.completeExceptionally(new RpcConnectionException("cannot PING " + address + ": client closed", false, e));
        }
        return probe;
    }

    /** On the event loop. */
    private void sendProbe(Probe probe, Channel ch) {
        if (probe.isDone()) {
            return;
        }
        if (!ch.isActive()) {
            probe.completeExceptionally(new RpcConnectionException("PING to " + address + " not sent: connection closed", false, null));
            return;
        }
        probes.put(probe.id, probe);
        probe.whenComplete((rtt, e) -> {
            if (probe.isCancelled()) {
                loop.execute(() -> probes.remove(probe.id)); // the detector gave up on it: forget its id
            }
        });
        ch.writeAndFlush(FrameHeader.control(ch.alloc(), MessageType.PING, probe.id), ch.voidPromise());
    }

    /** On the event loop: a PONG; completes the probe it answers (the heartbeat's own PINGs are not probes). */
    private void onPong(int id) {
        Probe probe = probes.remove(id);
        if (probe != null) {
            probe.complete(System.nanoTime() - probe.sentNanos);
        }
    }

    /** A probe PING in flight. */
    private static final class Probe extends CompletableFuture<Long> {
        final int id;
        final long sentNanos;

        Probe(int id, long sentNanos) {
            this.id = id;
            this.sentNanos = sentNanos;
        }
    }

    /**
     * Sends a request; the future completes with the provider's response (any status), or exceptionally with an
     * {@link RpcException}: timeout, connection failure, or a local encoding error.
     */
    public CompletableFuture<RpcResponse> call(RpcRequest request, CallSpec spec, long timeoutMillis) {
        State s = state;
        if (s != State.READY && s != State.CONNECTING) {
            return CompletableFuture.failedFuture(notConnected(spec));
        }
        // the deadline runs from now, also while the connection is still being made
        PendingCall call = new PendingCall(this, nextId.getAndIncrement(), spec, timeoutMillis, System.nanoTime());
        if (s == State.READY) {
            send(call, request);
        } else {
            connectFuture.addListener(f -> {
                if (state != State.READY) {
                    call.completeExceptionally(notConnected(spec));
                } else if (call.deadlineNanos - System.nanoTime() <= 0) {
                    call.completeExceptionally(new RpcTimeoutException("call " + spec.description() + " to " + address
                            + " timed out after " + timeoutMillis + " ms while connecting"));
                } else {
                    send(call, request);
                }
            });
        }
        return call;
    }

    private RpcConnectionException notConnected(CallSpec spec) {
        String why = switch (state) {
            case DRAINING -> "the provider sent GOAWAY (shutting down)";
            case CLOSED -> "the connection was closed by this client";
            default -> "not connected" + (lastFailure == null ? "" : " (" + lastFailure.getMessage() + ")") + "; reconnecting";
        };
        return new RpcConnectionException("call " + spec.description() + " not sent to " + address + ": " + why, false, lastFailure);
    }

    private void send(PendingCall call, RpcRequest request) {
        if (call.isDone()) {
            return; // cancelled while the connection was being made
        }
        CallSpec spec = call.spec;
        int max = client.config().maxPendingCalls();
        if (outstanding.incrementAndGet() > max) {
            int n = outstanding.decrementAndGet();
            call.completeExceptionally(new RpcException(Status.SERVER_BUSY, "call " + spec.description() + " not sent to " + address
                    + ": " + n + " calls already in flight on this connection (rpc.consumer.max-pending-calls)", false));
            return;
        }
        String token = client.config().authToken();
        if (token != null) {
            java.util.Map<String, String> withToken = io.tern.rpc.protocol.Attachments.copyOf(request.attachments());
            withToken.put(RpcRequest.AUTH_TOKEN, token);
            request = new RpcRequest(request.serviceKey(), request.methodName(), request.parameterTypes(), request.arguments(), withToken);
        }
        Channel ch = channel;
        try {
            call.frame = MessageCodec.encodeRequest(ch.alloc(), call.id, spec.serializer(), spec.compression(), request, spec.argCodecs(),
                    spec.prefixFor(request));
        } catch (Exception e) {
            outstanding.decrementAndGet();
            call.completeExceptionally(new RpcException(Status.INTERNAL_ERROR, "cannot encode the arguments of " + spec.description()
                    + " with " + spec.serializer().name() + ": " + e.getMessage(), false, e));
            return;
        }
        int frameBytes = call.frame.readableBytes();
        if (frameBytes > client.config().maxFrameLength()) {
            // the provider would close the whole shared connection on reading this header, failing every call on it
            call.frame.release();
            call.frame = null;
            outstanding.decrementAndGet();
            call.completeExceptionally(tooLarge(spec, frameBytes));
            return;
        }
        State s = state;
        if (s != State.READY && s != State.DRAINING) {
            call.frame.release();
            call.frame = null;
            outstanding.decrementAndGet();
            call.completeExceptionally(notConnected(spec));
        } else if (loop.inEventLoop() && batch.inBatch()) {
            ByteBuf frame = register(call, ch); // sent from a response callback on this loop: no queue hop
            if (frame != null) {
                batch.write(ch, frame);
            }
        } else {
            writes.write(call); // registered as pending on the event loop, just before it is written
        }
    }

    /**
     * A request over the frame limit, refused before sending: {@code BAD_REQUEST}, as a provider answers a request
     * over one of its limits, and never ran, so not retryable elsewhere (every provider would refuse it). The
     * provider's own limit may be set differently; ours is the one this client can check.
     */
    private RpcException tooLarge(CallSpec spec, int frameBytes) {
        return new RpcException(Status.BAD_REQUEST, "request of " + spec.description() + " not sent to " + address + ": it is "
                + frameBytes + " bytes encoded, over this client's limit of " + client.config().maxFrameLength()
                + " bytes (rpc.max-frame-length as set on this client; the provider's setting may differ)", false);
    }

    /** On the event loop: a queued call is about to be written. Null if it must not be (cancelled, channel gone). */
    private ByteBuf register(PendingCall call, Channel ch) {
        ByteBuf frame = call.frame;
        call.frame = null;
        if (call.isDone() || !ch.isActive()) {
            frame.release();
            outstanding.decrementAndGet();
            if (!call.isDone()) {
                call.completeExceptionally(notConnected(call.spec));
            }
            return null;
        }
        if (pending.isEmpty()) {
            pending.start(System.nanoTime());
        }
        pending.add(call);
        if (!tickScheduled) {
            tickScheduled = true;
            loop.schedule(tick, PendingCalls.TICK_NANOS, TimeUnit.NANOSECONDS);
        }
        return frame;
    }

    /** On the event loop, every tick while calls are pending: expires the calls whose deadline passed. */
    private void tick() {
        tickScheduled = false;
        pending.expire(System.nanoTime(), this::expired);
        if (!pending.isEmpty()) {
            tickScheduled = true;
            loop.schedule(tick, PendingCalls.TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void expired(PendingCall call) {
        outstanding.decrementAndGet();
        sendCancel(call.id); // the provider may drop it if still queued, or stop it if it polls RpcContext.isCancelled
        call.completeExceptionally(new RpcTimeoutException("call " + call.spec.description() + " to " + address
                + " timed out after " + call.timeoutMillis + " ms"));
        if (state == State.DRAINING) {
            closeIfDrained();
        }
    }

    /** A cancelled call: drop its entry and, if it was sent, tell the provider (CANCEL), on the event loop. */
    void forget(PendingCall call) {
        if (loop.inEventLoop()) {
            if (pending.remove(call)) {
                outstanding.decrementAndGet();
                sendCancel(call.id);
                if (state == State.DRAINING) {
                    closeIfDrained();
                }
            }
        } else {
            try {
                loop.execute(() -> forget(call));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("event loop of {} is shut down; cancelled call {} needs no clean-up", address, call.id);
            }
        }
    }

    /** SPEC §2 CANCEL for a sent call this client no longer wants. Event loop only. */
    private void sendCancel(int id) {
        Channel ch = channel;
        RequestQueue w = writes;
        if (ch != null && ch.isActive() && w != null) {
            w.write(FrameHeader.control(ch.alloc(), MessageType.CANCEL, id));
        }
    }

    private void connect() {
        if (client.closed() || state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        ChannelFuture cf = client.bootstrap().clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                long hb = client.config().heartbeatInterval().toMillis();
                if (client.sslContext() != null) {
                    io.netty.handler.ssl.SslHandler tls = client.sslContext().newHandler(ch.alloc(), host, port);
                    if (client.config().tls().verifyHostname()) {
                        javax.net.ssl.SSLParameters params = tls.engine().getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                        tls.engine().setSSLParameters(params);
                    }
                    ch.pipeline().addLast("tls", tls);
                }
                ch.pipeline()
                        // read idle only: IdleStateHandler's write tracking costs a promise and a listener per write, so
                        // the heartbeat asks the write queue instead (see Handler.heartbeat)
                        .addLast("idle", new IdleStateHandler(3 * hb, 0, 0, TimeUnit.MILLISECONDS))
                        .addLast("frames", new FrameDecoder(client.config().maxFrameLength(), client.peerLog()))
                        .addLast("handler", new Handler());
            }
        }).connect(host, port);
        ChannelFuture ready = cf;
        if (client.sslContext() != null) {
            // READY only once the TLS handshake succeeded: an untrusted peer never gets a request
            io.netty.channel.ChannelPromise handshaken = cf.channel().newPromise();
            cf.addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    handshaken.tryFailure(f.cause());
                    return;
                }
                f.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        handshaken.trySuccess();
                    } else {
                        handshaken.tryFailure(new javax.net.ssl.SSLException("TLS handshake with " + address + " failed: " + h.cause().getMessage(), h.cause()));
                        f.channel().close();
                    }
                });
            });
            ready = handshaken;
        }
        connectFuture = ready;
        ready.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                channel = f.channel();
                writes = new RequestQueue(channel);
                backoffMillis = client.config().reconnectMinBackoff().toMillis();
                lastFailure = null;
                if (state == State.CLOSED) {
                    channel.close();
                    return;
                }
                state = State.READY;
                log.debug("connected to {}", address);
            } else {
                lastFailure = f.cause();
                if (state != State.CLOSED) {
                    state = State.DISCONNECTED;
                    log.debug("connect to {} failed: {}", address, f.cause().toString());
                    scheduleReconnect();
                }
            }
        });
    }

    private void scheduleReconnect() {
        if (client.closed() || state == State.CLOSED) {
            return;
        }
        long delay = backoffMillis;
        long jitter = (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
        backoffMillis = Math.min(backoffMillis * 2, client.config().reconnectMaxBackoff().toMillis());
        client.timer().newTimeout(t -> connect(), delay + jitter, TimeUnit.MILLISECONDS);
    }

    private void onDisconnected() {
        if (closeWhenDrained) {
            state = State.CLOSED; // released while draining: done now, no reconnect
        }
        State previous = state;
        if (previous != State.CLOSED) {
            state = State.DISCONNECTED;
        }
        failAllPending(previous == State.CLOSED ? "connection to " + address + " closed by the client" : "connection to " + address + " closed");
        failProbes();
        if (previous != State.CLOSED) {
            scheduleReconnect();
        }
    }

    /** On the event loop: probes of the closed channel get no PONG any more. */
    private void failProbes() {
        if (probes.isEmpty()) {
            return;
        }
        List<Probe> open = new java.util.ArrayList<>(probes.values());
        probes.clear();
        for (Probe p : open) {
            p.completeExceptionally(new RpcConnectionException("connection to " + address + " closed before the PONG", false, null));
        }
    }

    /** On the event loop: every sent call fails; they may have run. */
    private void failAllPending(String why) {
        if (pending.isEmpty()) {
            return;
        }
        List<PendingCall> calls = pending.clear();
        for (PendingCall call : calls) {
            outstanding.decrementAndGet();
            call.completeExceptionally(new RpcConnectionException(why + " while " + call.spec.description()
                    + " was in flight", true, null));
        }
        client.peerLog().warn(log, address, why + ": failed " + calls.size() + " in-flight calls");
    }

    /**
     * Closes the connection for good. A connection draining after GOAWAY keeps its calls: it closes once the last
     * one is answered (or times out). Otherwise pending calls fail at once.
     */
    public void close() {
        if (state == State.DRAINING && outstanding.get() > 0) {
            closeWhenDrained = true;
            return;
        }
        state = State.CLOSED;
        Channel ch = channel;
        if (ch != null) {
            ch.close(); // its pending calls fail when it is inactive
        }
    }

    /** After GOAWAY, the connection closes itself once every request it sent has its answer. */
    private void closeIfDrained() {
        Channel ch = channel;
        if (state == State.DRAINING && outstanding.get() == 0 && ch != null) {
            ch.close();
        }
    }

    private void onResponse(ChannelHandlerContext ctx, Frame frame) {
        PendingCall call = pending.remove(frame.requestId());
        if (call == null) {
            log.debug("response {} from {} arrived after its call ended (timed out?)", frame.requestId(), address);
            return;
        }
        outstanding.decrementAndGet();
        if (state == State.DRAINING) {
            ctx.channel().eventLoop().execute(this::closeIfDrained); // after this answer is delivered
        }
        ByteBuf body = frame.body();
        Inflation inflation = null;
        boolean handedOff = false;
        try {
            if (frame.compress() != FrameHeader.COMPRESS_NONE) {
                inflation = Inflation.start(frame.compress(), body, client.config().maxFrameLength(), ctx.alloc());
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
                    client.decodeExecutor().execute(() -> decodeLarge(call, received, pendingInflation));
                    handedOff = true;
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    received.release();
                    call.completeExceptionally(new RpcConnectionException("client closed while the response of "
                            + call.spec.description() + " from " + address + " was arriving", true, e));
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
        return new RpcException(Status.INTERNAL_ERROR, "response of " + call.spec.description() + " from " + address
                + " could not be decoded: " + e.getMessage(), true, e);
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            batch.reset(); // a previous channel may have died inside a read batch
            long hb = client.config().heartbeatInterval().toMillis();
            ctx.executor().schedule(() -> heartbeat(ctx, hb), hb, TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        /** PING after a heartbeat interval with nothing written; the read-idle handler closes a silent link. */
        private void heartbeat(ChannelHandlerContext ctx, long hb) {
            if (!ctx.channel().isActive()) {
                return;
            }
            RequestQueue w = writes;
            if (w == null || !w.wroteSinceLastAsked()) {
                ctx.writeAndFlush(FrameHeader.control(ctx.alloc(), MessageType.PING, 0), ctx.voidPromise());
            }
            ctx.executor().schedule(() -> heartbeat(ctx, hb), hb, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            batch.batchStarted();
            Frame frame = (Frame) msg;
            try {
                switch (frame.type()) {
                    case MessageType.RESPONSE -> onResponse(ctx, frame);
                    case MessageType.PING -> onPing(ctx, frame.requestId());
                    case MessageType.GOAWAY -> onGoAway(ctx);
                    case MessageType.PONG -> onPong(frame.requestId());
                    default -> { } // REQUEST or CANCEL from a provider: meaningless to a client, ignored
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            lastInboundNanos = System.nanoTime(); // once per read batch: what the consumer's failure detector watches
            if (batch.batchComplete(ctx.channel())) {
                writes.wroteDirectly();
            }
            ctx.fireChannelReadComplete();
        }

        /**
         * Answers a PING; a provider that keeps pinging without reading its PONGs fills this connection's outbound
         * buffer, and then the connection stops being read until that buffer drains (it is closed if it stays
         * silent for 3 heartbeat intervals). A legitimate provider sends one PING per drain, so this never stalls calls.
         */
        private void onPing(ChannelHandlerContext ctx, int id) {
            // written in this read batch (not queued), so the channel's writability sees it at once
            batch.write(ctx.channel(), FrameHeader.control(ctx.alloc(), MessageType.PONG, id));
            if (!ctx.channel().isWritable() && ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(false);
                client.peerLog().warn(log, address, "provider " + address + " sends PINGs without reading the PONGs; not reading from it until it does");
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable() && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            super.channelWritabilityChanged(ctx);
        }

        private void onGoAway(ChannelHandlerContext ctx) {
            log.info("provider {} sent GOAWAY: no new calls on this connection ({} in flight)", address, outstanding.get());
            if (state == State.READY) {
                state = State.DRAINING;
            }
            closeIfDrained();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onDisconnected();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent e) {
                if (e.state() == IdleState.READER_IDLE) {
                    client.peerLog().warn(log, address, "no bytes from " + address + " for 3 heartbeat intervals ("
                            + 3 * client.config().heartbeatInterval().toMillis() + " ms); closing the connection");
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastFailure = cause;
            client.peerLog().warn(log, address, "closing connection to " + address + " after an error: " + cause);
            ctx.close();
        }
    }

    /** The connection's write queue: a call becomes pending on the event loop just before its frame is written. */
    private final class RequestQueue extends WriteQueue {
        RequestQueue(Channel channel) {
            super(channel);
        }

        @Override
        protected ByteBuf toFrame(Object message) {
            return message instanceof PendingCall call ? register(call, channel()) : (ByteBuf) message;
        }

        @Override
        protected void dropped(Object message) {
            if (message instanceof PendingCall call) {
                call.frame.release();
                call.frame = null;
                outstanding.decrementAndGet();
                call.completeExceptionally(notConnected(call.spec));
            } else {
                ((ByteBuf) message).release();
            }
        }
    }
}
