package io.tern.rpc.transport.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tern.rpc.transport.internal.PeerLog;
import io.tern.rpc.transport.ClientConfig;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What every connection of one {@link io.tern.rpc.transport.TransportClient} shares: its config, event loops,
 * bootstrap, TLS context, timer wheel, large-response decode pool and provider log. Kept here rather than on
 * TransportClient so the API class does not have to expose them.
 */
public final class ClientIo {
    private final ClientConfig config;
    private final EventLoopGroup group;
    private final Timer timer;
    private final Bootstrap bootstrap;
    private final SslContext sslContext;
    /** Log lines a provider can trigger, rate-limited per provider address. */
    private final PeerLog peerLog = new PeerLog();
    private volatile ThreadPoolExecutor decoder;
    private volatile boolean closed;

    public ClientIo(ClientConfig config, SslContext sslContext) {
        this.config = config;
        this.sslContext = sslContext;
        this.group = Transports.group(config.ioThreads(), "tern-client-io", IoThreads.Role.CLIENT_IO);
        this.timer = new HashedWheelTimer(IoThreads.factory("tern-client-timer", IoThreads.Role.CLIENT_TIMER), 10, TimeUnit.MILLISECONDS, 512);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                // bounds what a provider that does not read can make this side buffer (see ClientConnection's PING handling)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    }

    /** A new connection to {@code host:port} on these resources, connecting now. */
    public ClientConnection connect(String host, int port) {
        return new ClientConnection(this, host, port);
    }

    public ClientConfig config() {
        return config;
    }

    PeerLog peerLog() {
        return peerLog;
    }

    /** Decodes large responses off the I/O threads; started on first use. */
    Executor decodeExecutor() {
        ThreadPoolExecutor e = decoder;
        if (e == null) {
            synchronized (this) {
                if (decoder == null) {
                    int n = Math.max(1, config.ioThreads());
                    decoder = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), new DefaultThreadFactory("tern-client-decode", true));
                    decoder.allowCoreThreadTimeOut(true);
                }
                e = decoder;
            }
        }
        return e;
    }

    SslContext sslContext() {
        return sslContext;
    }

    Bootstrap bootstrap() {
        return bootstrap;
    }

    /** An event loop for a new connection, which keeps it across reconnects (its state is confined to it). */
    EventLoop nextLoop() {
        return group.next();
    }

    /** The timer wheel shared by call timeouts and the cluster layer's backup requests. */
    public Timer timer() {
        return timer;
    }

    public boolean closed() {
        return closed;
    }

    /** From here on connections do not reconnect; call before closing them. */
    public void markClosed() {
        closed = true;
    }

    /** Stops the timer, the decode pool and the event loops: after every connection is closed. */
    public void shutdown() {
        timer.stop();
        ThreadPoolExecutor d = decoder;
        if (d != null) {
            d.shutdown();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
