package io.tern.rpc.transport.internal;


import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's budget of inbound bytes held for frames not yet decoded (partial frames still arriving, large bodies
 * waiting for a decode thread), with each peer address limited to a share of it and to a number of connections.
 * A slow or stuck peer therefore never holds more than its share of memory or connections (SPEC §2).
 */
public final class InboundBudget {
    private final long maxBytes;
    private final long maxBytesPerPeer;
    private final int maxConnectionsPerPeer;
    private final AtomicLong used = new AtomicLong();
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();

    private static final class Peer {
        int connections; // changed only inside peers.compute
        final AtomicLong bytes = new AtomicLong();
    }

    public InboundBudget(long maxBytes, long maxBytesPerPeer, int maxConnectionsPerPeer) {
        this.maxBytes = maxBytes;
        this.maxBytesPerPeer = maxBytesPerPeer;
        this.maxConnectionsPerPeer = maxConnectionsPerPeer;
    }

    /** One connection's share; null when {@code host} already holds the most connections a peer may. */
    public Share open(String host) {
        boolean[] admitted = new boolean[1];
        Peer peer = peers.compute(host, (k, p) -> {
            Peer q = p == null ? new Peer() : p;
            if (q.connections < maxConnectionsPerPeer) {
                q.connections++;
                admitted[0] = true;
            }
            return q;
        });
        return admitted[0] ? new Share(host, peer) : null;
    }

    /** Bytes reserved now, server-wide. */
    public long used() {
        return used.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long maxBytesPerPeer() {
        return maxBytesPerPeer;
    }

    /** Connections open from {@code host}. */
    public int connections(String host) {
        Peer p = peers.get(host);
        return p == null ? 0 : p.connections;
    }

    /** The part of the budget one connection draws on; thread-safe (a large body is released by its decode thread). */
    public final class Share {
        private final String host;
        private final Peer peer;
        private final AtomicLong held = new AtomicLong();
        private volatile boolean closed;

        private Share(String host, Peer peer) {
            this.host = host;
            this.peer = peer;
        }

        /** Reserves {@code bytes}; false, reserving nothing, when the server's budget or this peer's share is spent. */
        public boolean reserve(long bytes) {
            if (closed) {
                return false;
            }
            if (used.addAndGet(bytes) > maxBytes) {
                used.addAndGet(-bytes);
                return false;
            }
            if (peer.bytes.addAndGet(bytes) > maxBytesPerPeer) {
                peer.bytes.addAndGet(-bytes);
                used.addAndGet(-bytes);
                return false;
            }
            held.addAndGet(bytes);
            return true;
        }

        /** Gives back {@code bytes} reserved before (no more than is still held: a close may have released it). */
        public void release(long bytes) {
            long h;
            long n;
            do {
                h = held.get();
                n = Math.min(bytes, h);
            } while (n > 0 && !held.compareAndSet(h, h - n));
            if (n > 0) {
                peer.bytes.addAndGet(-n);
                used.addAndGet(-n);
            }
        }

        /** The connection closed: gives back what it held and its connection slot. */
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            release(Long.MAX_VALUE);
            peers.computeIfPresent(host, (k, p) -> --p.connections == 0 && p.bytes.get() == 0 ? null : p);
        }
    }
}
