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
import io.netty.util.Timeout;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.Frame;
import io.tern.rpc.protocol.FrameDecoder;
import io.tern.rpc.protocol.FrameHeader;
import io.tern.rpc.protocol.MessageCodec;
import io.tern.rpc.protocol.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Lifecycle of the connection. */
    public enum State { CONNECTING, READY, DRAINING, DISCONNECTED, CLOSED }

    private final RpcClient client;
    private final String host;
    private final int port;
    private final String address;
    private final Map<Integer, PendingCall> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile State state = State.CONNECTING;
    private volatile ChannelFuture connectFuture;
    private volatile Channel channel;
    private volatile WriteQueue writes;
    private volatile Throwable lastFailure;
    private volatile boolean closeWhenDrained;
    private long backoffMillis;

    ClientConnection(RpcClient client, String host, int port) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.address = host + ":" + port;
        this.backoffMillis = client.config().reconnectMinBackoff().toMillis();
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

    public int pendingCalls() {
        return pending.size();
    }

    /**
     * Sends a request; the future completes with the provider's response (any status), or exceptionally with an
     * {@link RpcException}: timeout, connection failure, or a local encoding error.
     */
    public CompletableFuture<RpcResponse> call(RpcRequest request, CallSpec spec, long timeoutMillis) {
        CallFuture future = new CallFuture();
        State s = state;
        if (s == State.READY) {
            send(request, spec, timeoutMillis, future);
        } else if (s == State.CONNECTING) {
            ChannelFuture cf = connectFuture;
            long startNanos = System.nanoTime();
            cf.addListener(f -> {
                long left = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                if (state != State.READY) {
                    future.completeExceptionally(notConnected(spec));
                } else if (left <= 0) {
                    future.completeExceptionally(new RpcTimeoutException("call " + spec.description() + " to " + address
                            + " timed out after " + timeoutMillis + " ms while connecting"));
                } else {
                    send(request, spec, left, future);
                }
            });
        } else {
            future.completeExceptionally(notConnected(spec));
        }
        return future;
    }

    private RpcConnectionException notConnected(CallSpec spec) {
        String why = switch (state) {
            case DRAINING -> "the provider sent GOAWAY (shutting down)";
            case CLOSED -> "the connection was closed by this client";
            default -> "not connected" + (lastFailure == null ? "" : " (" + lastFailure.getMessage() + ")") + "; reconnecting";
        };
        return new RpcConnectionException("call " + spec.description() + " not sent to " + address + ": " + why, false, lastFailure);
    }

    private void send(RpcRequest request, CallSpec spec, long timeoutMillis, CallFuture future) {
        Channel ch = channel;
        if (pending.size() >= client.config().maxPendingCalls()) {
            future.completeExceptionally(new RpcException(Status.SERVER_BUSY, "call " + spec.description() + " not sent to " + address + ": "
                    + pending.size() + " calls already in flight on this connection (rpc.consumer.max-pending-calls)", false));
            return;
        }
        String token = client.config().authToken();
        if (token != null) {
            java.util.Map<String, String> withToken = new java.util.HashMap<>(request.attachments());
            withToken.put(RpcRequest.AUTH_TOKEN, token);
            request = new RpcRequest(request.serviceKey(), request.methodName(), request.parameterTypes(), request.arguments(), withToken);
        }
        int id = nextId.getAndIncrement();
        ByteBuf frame;
        try {
            frame = MessageCodec.encodeRequest(ch.alloc(), id, spec.serializer(), spec.compression(), request, spec.argCodecs(),
                    spec.prefixFor(request));
        } catch (Exception e) {
            future.completeExceptionally(new RpcException(Status.INTERNAL_ERROR, "cannot encode the arguments of " + spec.description()
                    + " with " + spec.serializer().name() + ": " + e.getMessage(), false, e));
            return;
        }
        PendingCall call = new PendingCall(id, spec, future, timeoutMillis);
        call.timeout = client.timer().newTimeout(t -> onTimeout(call), timeoutMillis, TimeUnit.MILLISECONDS);
        future.call = call;
        pending.put(id, call);
        if (future.isCancelled()) {
            future.forget();
        }
        if (call.timeout.isExpired()) {
            onTimeout(call); // fired before the call was registered
        }
        if (state == State.READY || state == State.DRAINING) {
            writes.write(frame);
        } else {
            frame.release();
            if (pending.remove(id, call)) {
                call.timeout.cancel();
                future.completeExceptionally(notConnected(spec));
            }
        }
    }

    private void onTimeout(PendingCall call) {
        if (pending.remove(call.id, call)) {
            call.future.completeExceptionally(new RpcTimeoutException("call " + call.spec.description() + " to " + address
                    + " timed out after " + call.timeoutMillis + " ms"));
            if (state == State.DRAINING) {
                closeIfDrained();
            }
        }
    }

    private void connect() {
        if (client.closed() || state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        ChannelFuture cf = client.bootstrap().clone().handler(new ChannelInitializer<Channel>() {
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
                        .addLast("idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS))
                        .addLast("frames", new FrameDecoder(client.config().maxFrameLength()))
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
                writes = new WriteQueue(channel);
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
        failAllPending("connection to " + address + " closed");
        if (previous != State.CLOSED) {
            scheduleReconnect();
        }
    }

    private void failAllPending(String why) {
        if (pending.isEmpty()) {
            return;
        }
        List<PendingCall> calls = new ArrayList<>(pending.values());
        int failed = 0;
        for (PendingCall call : calls) {
            if (pending.remove(call.id, call)) {
                call.timeout.cancel();
                call.future.completeExceptionally(new RpcConnectionException(why + " while " + call.spec.description()
                        + " was in flight", true, null));
                failed++;
            }
        }
        if (failed > 0) {
            log.warn("{}: failed {} in-flight calls", why, failed);
        }
    }

    /**
     * Closes the connection for good. A connection draining after GOAWAY keeps its calls: it closes once the last
     * one is answered (or times out). Otherwise pending calls fail at once.
     */
    public void close() {
        if (state == State.DRAINING && !pending.isEmpty()) {
            closeWhenDrained = true;
            return;
        }
        state = State.CLOSED;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        failAllPending("connection to " + address + " closed by the client");
    }

    /** After GOAWAY, the connection closes itself once every request it sent has its answer. */
    private void closeIfDrained() {
        Channel ch = channel;
        if (state == State.DRAINING && pending.isEmpty() && ch != null) {
            ch.close();
        }
    }

    private void onResponse(ChannelHandlerContext ctx, Frame frame) {
        PendingCall call = pending.remove(frame.requestId());
        if (state == State.DRAINING) {
            ctx.channel().eventLoop().execute(this::closeIfDrained); // after this answer is delivered
        }
        if (call == null) {
            log.debug("response {} from {} arrived after its call ended (timed out?)", frame.requestId(), address);
            return;
        }
        call.timeout.cancel();
        ByteBuf body = frame.body();
        ByteBuf inflated = null;
        try {
            if (frame.compress() != FrameHeader.COMPRESS_NONE) {
                inflated = Compression.decompress(frame.compress(), body, client.config().maxFrameLength(), ctx.alloc());
                body = inflated;
            }
            RpcResponse response = MessageCodec.decodeResponse(body, call.spec.resultCodec());
            call.future.complete(response);
        } catch (CorruptBodyException e) {
            call.future.completeExceptionally(new RpcException(Status.INTERNAL_ERROR, "response of " + call.spec.description()
                    + " from " + address + " could not be decoded: " + e.getMessage(), true, e));
        } finally {
            if (inflated != null) {
                inflated.release();
            }
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            try {
                switch (frame.type()) {
                    case MessageType.RESPONSE -> onResponse(ctx, frame);
                    case MessageType.PING -> writes.write(FrameHeader.control(ctx.alloc(), MessageType.PONG, frame.requestId()));
                    case MessageType.GOAWAY -> onGoAway(ctx);
                    default -> { } // PONG: any inbound bytes already reset the read-idle timer
                }
            } finally {
                frame.release();
            }
        }

        private void onGoAway(ChannelHandlerContext ctx) {
            log.info("provider {} sent GOAWAY: no new calls on this connection ({} in flight)", address, pending.size());
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
                if (e.state() == IdleState.WRITER_IDLE) {
                    writes.write(FrameHeader.control(ctx.alloc(), MessageType.PING, 0));
                } else if (e.state() == IdleState.READER_IDLE) {
                    log.warn("no bytes from {} for 3 heartbeat intervals ({} ms); closing the connection", address,
                            3 * client.config().heartbeatInterval().toMillis());
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastFailure = cause;
            log.warn("closing connection to {} after an error: {}", address, cause.toString());
            ctx.close();
        }
    }

    /**
     * A call's future: cancelling it (the loser of a backup request, a caller that gave up) forgets the call at
     * once: its pending entry and its timer go, and a late answer is dropped.
     */
    private final class CallFuture extends CompletableFuture<RpcResponse> {
        volatile PendingCall call;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                forget();
            }
            return cancelled;
        }

        void forget() {
            PendingCall c = call;
            if (c != null && pending.remove(c.id, c)) {
                c.timeout.cancel();
            }
        }
    }

    private static final class PendingCall {
        final int id;
        final CallSpec spec;
        final CompletableFuture<RpcResponse> future;
        final long timeoutMillis;
        volatile Timeout timeout;

        PendingCall(int id, CallSpec spec, CompletableFuture<RpcResponse> future, long timeoutMillis) {
            this.id = id;
            this.spec = spec;
            this.future = future;
            this.timeoutMillis = timeoutMillis;
        }
    }
}
