package io.tern.rpc.transport;

import io.netty.channel.Channel;
import io.tern.rpc.transport.internal.NettyLines;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.transport.internal.InboundBudget;
import io.tern.rpc.transport.internal.PeerLog;
import io.tern.rpc.transport.internal.BusinessExecutor;
import io.tern.rpc.transport.internal.ExportTable;
import io.tern.rpc.transport.internal.ProviderParts;
import io.tern.rpc.transport.internal.ServerCounters;
import io.tern.rpc.transport.internal.ServerDrain;
import io.tern.rpc.transport.internal.ServerListener;
import io.tern.rpc.transport.internal.TokenCheck;
import io.tern.rpc.transport.internal.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A Tern RPC provider endpoint: a Netty server ({@link ServerListener}) with a dispatch table of exported services
 * ({@link ExportTable}) and a bounded business executor. {@link #close()} drains ({@link ServerDrain}): it stops
 * accepting, sends GOAWAY, answers new requests with SHUTTING_DOWN, waits (up to the shutdown grace) for in-flight
 * calls to finish and for clients to close their connections, then closes what is left.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportServer.class);

    private final ServerConfig config;
    private final ExportTable exports;
    private final BusinessExecutor executor;
    private final ServerCounters counters = new ServerCounters();
    private final ServerDrain drain = new ServerDrain();
    private final InboundBudget inbound;
    private final ServerListener listener;
    private volatile boolean started;

    public TransportServer(ServerConfig config) {
        NettyLines.requireSupported();
        this.config = config;
        // one peer address may hold a quarter of the server's budget, and always two max-size frames (one arriving,
        // one waiting to be decoded)
        this.inbound = new InboundBudget(config.maxBufferedBytes(),
                Math.max(2L * config.maxFrameLength(), config.maxBufferedBytes() / 4), config.maxConnectionsPerPeer());
        this.executor = new BusinessExecutor("tern-server-biz", config.executorThreads(), config.executorQueue(),
                config.executorParallelism(), 60, TimeUnit.SECONDS);
        this.exports = new ExportTable(counters);
        // log lines a client can trigger, rate-limited per client address
        PeerLog peerLog = new PeerLog();
        ProviderParts parts = new ProviderParts(config, exports, new TokenCheck(config.authToken(), counters, peerLog), drain, counters,
                executor, peerLog);
        this.listener = new ServerListener(parts, inbound, config.tls() == null ? null : config.tls().serverContext());
    }

    /**
     * Adds a filter around the methods of every service exported <em>after</em> this call (a method's chain is built
     * once, when its service is exported), after the filters found through {@code META-INF/services} and those added
     * before it. Add filters before exporting.
     */
    public TransportServer filter(ServerFilter filter) {
        exports.addFilter(filter);
        return this;
    }

    /** Adds a service to the dispatch table; may be called before or after {@link #start()}. */
    public TransportServer export(ExportedService service) {
        exports.export(service);
        log.info("Exported {} ({} mode)", service.serviceKey(), service.mode());
        return this;
    }

    public void unexport(String serviceKey) {
        exports.unexport(serviceKey);
    }

    /** Binds and returns once the server accepts connections. */
    public synchronized TransportServer start() {
        if (started) {
            return this;
        }
        listener.bind();
        started = true;
        if (config.authToken() != null && config.tls() == null) {
            log.warn("rpc.security.token is set but TLS is off: the token travels in clear text and anyone who can read"
                    + " the traffic can replay it. Turn on TLS (rpc.tls.*) wherever the network is not trusted.");
        }
        log.info("Tern RPC server listening on {} ({} transport, {} business threads, queue {})",
                FrameDecoder.peer(listener.serverChannel().localAddress()), Transports.name(), config.executorThreads(), config.executorQueue());
        return this;
    }

    /** Requests refused for a missing or wrong token since start. */
    public long authRefusals() {
        return counters.authRefusals.sum();
    }

    /** CANCEL frames received from clients since start. */
    public long cancelsReceived() {
        return counters.cancelsReceived.sum();
    }

    /** Calls dropped from the queue because their client cancelled them before they ran. */
    public long cancelledBeforeRun() {
        return counters.cancelledBeforeRun.sum();
    }

    /** Requests answered SERVER_BUSY since start (executor full, connection over its share, large-body budget full). */
    public long serverBusy() {
        return counters.serverBusy.sum();
    }

    /** Client connections open now. */
    public int connections() {
        return listener.connections();
    }

    /** Calls accepted by the business executor and not yet finished: queued or running. */
    public int executorOutstanding() {
        return executor.outstanding();
    }

    /** Business threads alive now (they come and go with the load, up to rpc.server.executor-threads). */
    public int executorThreads() {
        return executor.threads();
    }

    /** The server-wide budget of buffered inbound bytes (for diagnostics and tests). */
    public InboundBudget inboundBudget() {
        return inbound;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.serverChannel().localAddress()).getPort();
    }

    public ServerConfig config() {
        return config;
    }

    /** Bound and taking calls: false before {@link #start()}, and from the moment {@link #close()} begins to drain. */
    public boolean isServing() {
        if (!started || drain.shuttingDown()) {
            return false;
        }
        Channel ch = listener.serverChannel(); // written before the volatile write of started
        return ch != null && ch.isActive();
    }

    public int inFlight() {
        return drain.inFlight();
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
        drain.begin();
        listener.stopAccepting();
        drain.drain(listener.channels(), config.shutdownGrace());
        listener.closeConnections();
        executor.shutdownNow();
        listener.shutdownGroups();
        log.info("Tern RPC server on port {} stopped", ((InetSocketAddress) listener.serverChannel().localAddress()).getPort());
    }
}
