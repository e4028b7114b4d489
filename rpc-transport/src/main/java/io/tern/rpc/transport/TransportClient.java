package io.tern.rpc.transport;

import io.netty.util.Timer;
import io.tern.rpc.transport.internal.NettyLines;
import io.tern.rpc.transport.internal.ClientConnection;
import io.tern.rpc.transport.internal.ClientIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer side's transport: one event loop group, one timer wheel for call timeouts, and one multiplexed
 * {@link ClientConnection} per provider address, shared by every proxy that calls that address.
 */
public final class TransportClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportClient.class);

    private final ClientConfig config;
    private final ClientIo io;
    private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Integer> users = new ConcurrentHashMap<>();

    public TransportClient(ClientConfig config) {
        NettyLines.requireSupported();
        this.config = config;
        if (config.security().tokenInClearText()) {
            log.warn("rpc.security.token is set but TLS is off: the token is sent in clear text to every provider the registry"
                    + " lists. Turn on TLS (rpc.tls.*) and registry ACLs (rpc.registry.username/password) where the network is not trusted.");
        }
        this.io = new ClientIo(config, config.security().clientContext());
    }

    public ClientConfig config() {
        return config;
    }

    /** The shared connection to {@code host:port}, connecting on first use. */
    public ClientConnection connection(String host, int port) {
        if (io.closed()) {
            throw new IllegalStateException("this TransportClient is closed");
        }
        return connections.computeIfAbsent(host + ":" + port, k -> io.connect(host, port));
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

    /** The timer wheel (10 ms tick) shared by call timeouts and the cluster layer's failure detection. */
    public Timer timer() {
        return io.timer();
    }

    @Override
    public void close() {
        if (io.closed()) {
            return;
        }
        io.markClosed();
        List<ClientConnection> all = new ArrayList<>(connections.values());
        connections.clear();
        for (ClientConnection c : all) {
            c.close();
        }
        io.shutdown();
        log.debug("Tern RPC client closed");
    }
}
