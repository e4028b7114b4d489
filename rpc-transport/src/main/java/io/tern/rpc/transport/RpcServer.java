package io.tern.rpc.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.rpc.protocol.FrameDecoder;
import io.tern.rpc.protocol.FrameHeader;
import io.tern.rpc.protocol.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Tern RPC provider endpoint: a Netty server with a dispatch table of exported services and a bounded
 * business executor. {@link #close()} drains: it stops accepting, sends GOAWAY, answers new requests with
 * SHUTTING_DOWN, waits (up to the shutdown grace) for in-flight calls to finish and for clients to close their
 * connections, then closes what is left.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    private final ServerConfig config;
    private final Map<String, ExportedService> services = new ConcurrentHashMap<>();
    private final BusinessExecutor executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drainLock = new Object();
    /** Request id of the PING sent after GOAWAY: its PONG proves the client sent nothing more before stopping. */
    static final int DRAIN_PING_ID = 0x7EE7D0A1;
    /** How long a peer that never answers PINGs may hold the drain once its calls are done. */
    static final long DRAIN_ACK_TIMEOUT_NANOS = 2_000_000_000L;
    private final java.util.Set<Channel> drainAcked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private ChannelGroup channels;
    private volatile boolean shuttingDown;
    private volatile boolean started;
    private final io.netty.handler.ssl.SslContext sslContext;
    private final io.tern.rpc.protocol.InboundBudget inbound;
    private final java.util.concurrent.atomic.LongAdder authRefusals = new java.util.concurrent.atomic.LongAdder();
    /** Log lines a client can trigger, rate-limited per client address. */
    private final io.tern.rpc.protocol.PeerLog peerLog = new io.tern.rpc.protocol.PeerLog();

    public RpcServer(ServerConfig config) {
        this.config = config;
        // one peer address may hold a quarter of the server's budget, and always two max-size frames (one arriving,
        // one waiting to be decoded)
        this.inbound = new io.tern.rpc.protocol.InboundBudget(config.maxBufferedBytes(),
                Math.max(2L * config.maxFrameLength(), config.maxBufferedBytes() / 4), config.maxConnectionsPerPeer());
        this.executor = new BusinessExecutor("tern-server-biz", config.executorThreads(), config.executorQueue(),
                config.executorParallelism(), 60, TimeUnit.SECONDS);
        this.sslContext = config.tls() == null ? null : config.tls().serverContext();
    }

    /** Adds a service to the dispatch table; may be called before or after {@link #start()}. */
    public RpcServer export(ExportedService service) {
        ExportedService previous = services.putIfAbsent(service.serviceKey(), service);
        if (previous != null) {
            throw new IllegalStateException("service key " + service.serviceKey() + " is already exported on this server");
        }
        log.info("Exported {} ({} mode)", service.serviceKey(), service.mode());
        return this;
    }

    public void unexport(String serviceKey) {
        services.remove(serviceKey);
    }

    /** Binds and returns once the server accepts connections. */
    public synchronized RpcServer start() {
        if (started) {
            return this;
        }
        boss = Transports.group(1, "tern-server-boss", IoThreads.Role.SERVER_IO);
        workers = Transports.group(config.ioThreads(), "tern-server-io", IoThreads.Role.SERVER_IO);
        channels = new DefaultChannelGroup("tern-server", GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // fairness: one busy connection reads at most 4 buffers (Netty's default is 16) before the event loop
                // serves its other connections, so a flood on one connection cannot stall the rest for long
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.AdaptiveRecvByteBufAllocator().maxMessagesPerRead(4))
                // past 64 KiB of unflushed responses a connection stops reading until its client catches up
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        String peer = FrameDecoder.peer(ch.remoteAddress());
                        if (channels.size() >= config.maxConnections()) {
                            peerLog.warn(log, peer, "Refusing connection from " + peer + ": " + channels.size()
                                    + " connections open (rpc.server.max-connections)");
                            ch.close();
                            return;
                        }
                        io.tern.rpc.protocol.InboundBudget.Share share = inbound.open(hostOf(ch));
                        if (share == null) {
                            peerLog.warn(log, peer, "Refusing connection from " + peer + ": its address already holds "
                                    + config.maxConnectionsPerPeer() + " connections (rpc.server.max-connections-per-peer)");
                            ch.close();
                            return;
                        }
                        channels.add(ch);
                        ch.closeFuture().addListener(f -> {
                            share.close();
                            drainAcked.remove(ch);
                            wakeDrain(); // a client that finished draining closed
                        });
                        if (sslContext != null) {
                            ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("frames", new FrameDecoder(config.maxFrameLength(), peerLog, share, config.frameTimeout().toNanos(),
                                        config.minFrameRate()))
                                .addLast("handler", new ServerHandler(RpcServer.this, share));
                    }
                });
        InetSocketAddress bindAddress = config.host() == null || config.host().isEmpty()
                ? new InetSocketAddress(config.port()) : new InetSocketAddress(config.host(), config.port());
        try {
            serverChannel = b.bind(bindAddress).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw new IllegalStateException("cannot bind Tern RPC server to " + bindAddress + ": " + e.getMessage()
                    + " (is the port in use? set rpc.server.port)", e);
        }
        started = true;
        if (config.authToken() != null && sslContext == null) {
            log.warn("rpc.security.token is set but TLS is off: the token travels in clear text and anyone who can read"
                    + " the traffic can replay it. Turn on TLS (rpc.tls.*) wherever the network is not trusted.");
        }
        log.info("Tern RPC server listening on {} ({} transport, {} business threads, queue {})",
                FrameDecoder.peer(serverChannel.localAddress()), Transports.name(), config.executorThreads(), config.executorQueue());
        return this;
    }

    private static String hostOf(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress());
    }

    io.tern.rpc.protocol.PeerLog peerLog() {
        return peerLog;
    }

    /** Requests refused for a missing or wrong token since start. */
    public long authRefusals() {
        return authRefusals.sum();
    }

    private final java.util.concurrent.atomic.LongAdder cancelledBeforeRun = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder cancelsReceived = new java.util.concurrent.atomic.LongAdder();

    /** CANCEL frames received from clients since start. */
    public long cancelsReceived() {
        return cancelsReceived.sum();
    }

    void cancelReceived() {
        cancelsReceived.increment();
    }

    /** Calls dropped from the queue because their client cancelled them before they ran. */
    public long cancelledBeforeRun() {
        return cancelledBeforeRun.sum();
    }

    void callCancelledBeforeRun() {
        cancelledBeforeRun.increment();
    }

    void authRefused() {
        authRefusals.increment();
    }

    /** The server-wide budget of buffered inbound bytes (for diagnostics and tests). */
    public io.tern.rpc.protocol.InboundBudget inboundBudget() {
        return inbound;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public ServerConfig config() {
        return config;
    }

    /** Bound and taking calls: false before {@link #start()}, and from the moment {@link #close()} begins to drain. */
    public boolean isServing() {
        if (!started || shuttingDown) {
            return false;
        }
        Channel ch = serverChannel; // written before the volatile write of started
        return ch != null && ch.isActive();
    }

    public int inFlight() {
        return inFlight.get();
    }

    ExportedService service(String key) {
        return services.get(key);
    }

    Iterable<String> serviceKeys() {
        return services.keySet();
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    BusinessExecutor executor() {
        return executor;
    }

    void callStarted() {
        inFlight.incrementAndGet();
    }

    void callFinished() {
        if (inFlight.decrementAndGet() == 0 && shuttingDown) {
            wakeDrain();
        }
    }

    private boolean allAcked() {
        for (Channel ch : channels) {
            if (!drainAcked.contains(ch)) {
                return false;
            }
        }
        return true;
    }

    /** A client answered the drain PING: nothing more is coming from it. */
    void drainAcknowledged(Channel ch) {
        drainAcked.add(ch);
        wakeDrain();
    }

    private void wakeDrain() {
        if (shuttingDown) {
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    /**
     * Graceful stop: stop accepting, GOAWAY to every client, refuse new requests with SHUTTING_DOWN, wait up to
     * the shutdown grace for in-flight calls, then close everything.
     */
    @Override
    public synchronized void close() {
        if (!started) {
            executor.shutdownNow();
            return;
        }
        started = false;
        shuttingDown = true;
        serverChannel.close().syncUninterruptibly();
        for (Channel ch : channels) {
            ch.eventLoop().execute(() -> {
                ch.write(FrameHeader.control(ch.alloc(), MessageType.GOAWAY, 0));
                ch.writeAndFlush(FrameHeader.control(ch.alloc(), MessageType.PING, DRAIN_PING_ID));
            });
        }
        // drained when every accepted call is answered and every client has acknowledged GOAWAY (its PONG to the
        // drain PING arrives after anything it sent before it stopped sending), or has closed
        long start = System.nanoTime();
        long deadline = start + config.shutdownGrace().toNanos();
        synchronized (drainLock) {
            long left;
            while ((inFlight.get() > 0 || (!allAcked() && System.nanoTime() - start < DRAIN_ACK_TIMEOUT_NANOS))
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, Math.min(left, 50_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (inFlight.get() > 0) {
            log.warn("Shutdown grace of {} ms passed with {} calls still running; closing anyway",
                    config.shutdownGrace().toMillis(), inFlight.get());
        }
        for (Channel ch : channels) {
            // behind the responses already queued on its event loop, and only once they are flushed
            ch.eventLoop().execute(() -> ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE));
        }
        channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        executor.shutdownNow();
        shutdownGroups();
        log.info("Tern RPC server on port {} stopped", ((InetSocketAddress) serverChannel.localAddress()).getPort());
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
