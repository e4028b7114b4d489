package io.tern.rpc.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tern.rpc.protocol.PeerLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The consumer side's transport: one event loop group, one timer wheel for call timeouts, and one multiplexed
 * {@link ClientConnection} per provider address, shared by every proxy that calls that address.
 */
public final class TransportClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportClient.class);

    private final ClientConfig config;
    private final EventLoopGroup group;
    private final Timer timer;
    private final Bootstrap bootstrap;
    private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Integer> users = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Log lines a provider can trigger, rate-limited per provider address. */
    private final PeerLog peerLog = new PeerLog();
    private volatile ThreadPoolExecutor decoder;
    private final SslContext sslContext;

    public TransportClient(ClientConfig config) {
        this.config = config;
        this.group = Transports.group(config.ioThreads(), "tern-client-io", IoThreads.Role.CLIENT_IO);
        this.sslContext = config.security().clientContext();
        if (config.security().tokenInClearText()) {
            log.warn("rpc.security.token is set but TLS is off: the token is sent in clear text to every provider the registry"
                    + " lists. Turn on TLS (rpc.tls.*) and registry ACLs (rpc.registry.username/password) where the network is not trusted.");
        }
        this.timer = new HashedWheelTimer(IoThreads.factory("tern-client-timer", IoThreads.Role.CLIENT_TIMER), 10, TimeUnit.MILLISECONDS, 512);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                // bounds what a provider that does not read can make this side buffer (see ClientConnection's PING handling)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
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

    public ClientConfig config() {
        return config;
    }

    /** The shared connection to {@code host:port}, connecting on first use. */
    public ClientConnection connection(String host, int port) {
        if (closed) {
            throw new IllegalStateException("this TransportClient is closed");
        }
        return connections.computeIfAbsent(host + ":" + port, k -> new ClientConnection(this, host, port));
    }

    /** The shared connection to {@code host:port}, counted as used until {@link #release}. */
    public synchronized ClientConnection acquire(String host, int port) {
        ClientConnection c = connection(host, port);
        users.merge(host + ":" + port, 1, Integer::sum);
        return c;
    }

    /** Gives back one use; the connection closes when nobody uses it any more. */
    public synchronized void release(String host, int port) {
        String key = host + ":" + port;
        Integer left = users.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        if (left == null) {
            ClientConnection c = connections.remove(key);
            if (c != null) {
                c.close();
            }
        }
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

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ClientConnection> all = new ArrayList<>(connections.values());
        connections.clear();
        for (ClientConnection c : all) {
            c.close();
        }
        timer.stop();
        if (decoder != null) {
            decoder.shutdown();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.debug("Tern RPC client closed");
    }
}
