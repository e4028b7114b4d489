package io.tern.rpc.benchmark.conns;

import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.internal.ClientConnection;
import io.tern.rpc.transport.internal.ClientIo;

import java.util.ArrayList;
import java.util.List;

/**
 * A process that holds idle consumer connections to one provider: {@code IdlerNode <port> <count>} opens
 * {@code count} connections to 127.0.0.1:port, prints {@code READY <n>} once all are READY, and keeps them until
 * {@code QUIT} (commands: {@code READY} counts them again, {@code MEM}).
 *
 * <p>Why {@link ClientIo} and not {@link TransportClient}: a TransportClient keeps one shared connection per
 * provider address, so thousands of connections to one provider would need thousands of TransportClients, each
 * with its own event loops and timer thread, which a real consumer process never has. {@link ClientIo#connect} is
 * what TransportClient calls for each address: the same {@link ClientConnection}, dialer, pipeline (read-idle
 * handler, frame decoder, client handler) and write-idle heartbeat (a PING after each heartbeat interval without
 * writes), on one client's shared event loops and timer. So each connection is, on the wire and at the provider,
 * exactly what a Tern consumer's idle connection is.
 */
public final class IdlerNode {
    /** Connects opened at once, so that the provider's accept backlog (1024) never overflows. */
    private static final int WAVE = 250;

    private IdlerNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        ClientIo io = new ClientIo(ClientConfig.defaults(), null);
        List<ClientConnection> connections = new ArrayList<>(count);
        try {
            while (connections.size() < count) {
                int wave = Math.min(WAVE, count - connections.size());
                for (int i = 0; i < wave; i++) {
                    connections.add(io.connect("127.0.0.1", port));
                }
                awaitReady(connections, 60_000);
            }
            NodeLoop.say("READY " + ready(connections));
            NodeLoop.run(words -> words[0].equals("READY") ? "READY " + ready(connections) : null);
            // closed as a consumer closes them (FIN), not reset by the process's end
            io.markClosed();
            connections.forEach(ClientConnection::close);
            io.shutdown();
        } finally {
            System.exit(0);
        }
    }

    static int ready(List<ClientConnection> connections) {
        int n = 0;
        for (ClientConnection c : connections) {
            if (c.state() == ClientConnection.State.READY) {
                n++;
            }
        }
        return n;
    }

    /** Polls until every connection is READY; fails past the deadline. */
    static void awaitReady(List<ClientConnection> connections, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int n;
        while ((n = ready(connections)) < connections.size()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(n + " of " + connections.size() + " connections READY after " + timeoutMillis + " ms");
            }
            Thread.sleep(20);
        }
    }
}
