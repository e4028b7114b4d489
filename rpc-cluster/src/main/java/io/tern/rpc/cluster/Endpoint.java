package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConnection;

import java.util.concurrent.atomic.AtomicInteger;

/** One provider as the client stack sees it: its registry entry, its shared connection and live counters. */
public final class Endpoint {
    private final ProviderInfo info;
    private final ClientConnection connection;
    private final AtomicInteger active = new AtomicInteger();

    Endpoint(ProviderInfo info, ClientConnection connection) {
        this.info = info;
        this.connection = connection;
    }

    public ProviderInfo info() {
        return info;
    }

    public ClientConnection connection() {
        return connection;
    }

    public String address() {
        return info.address();
    }

    /** Weight from the registry (default 100). */
    public int weight() {
        return info.weight();
    }

    /** Calls in flight on this endpoint from this process. */
    public int active() {
        return active.get();
    }

    void started() {
        active.incrementAndGet();
    }

    void finished() {
        active.decrementAndGet();
    }

    /** Connected (or connecting) and not draining after GOAWAY. */
    public boolean isAvailable() {
        return connection.isAvailable();
    }

    @Override
    public String toString() {
        return info.address();
    }
}
