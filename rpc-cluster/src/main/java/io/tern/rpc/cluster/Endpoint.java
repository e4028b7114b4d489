package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConnection;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider as the client stack sees it: its registry entry, its shared connection, and the live state the
 * policies read: calls in flight, a peak-sensitive EWMA of latency (Finagle's PeakEWMA), and outlier-ejection state.
 */
public final class Endpoint {
    /** Latency memory of the peak EWMA: a slow answer is seen at once and forgotten over about this long. */
    static final double DECAY_NANOS = 5e9;

    private final ProviderInfo info;
    private final ClientConnection connection;
    private final AtomicInteger active = new AtomicInteger();
    private double ewmaNanos;
    private long ewmaStamp = System.nanoTime();
    // outlier ejection, guarded by this
    int consecutiveFailures;
    int windowCalls;
    int windowFailures;
    int ejections;
    long ejectedUntilNanos;
    boolean probation;

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

    /**
     * The weight ramped up over {@code warmupMillis} from the provider's start {@code timestamp}, so a provider that
     * just started (cold JIT, empty caches) gets a growing share instead of a full one at once. At least 1.
     */
    public int effectiveWeight(long nowMillis, long warmupMillis) {
        int w = info.weight();
        long uptime = nowMillis - info.timestamp();
        if (w <= 0 || warmupMillis <= 0 || info.timestamp() <= 0 || uptime >= warmupMillis) {
            return w;
        }
        return (int) Math.max(1, (long) w * Math.max(0, uptime) / warmupMillis);
    }

    /** Calls in flight on this endpoint from this process. */
    public int active() {
        return active.get();
    }

    void started() {
        active.incrementAndGet();
    }

    void finished(long latencyNanos) {
        active.decrementAndGet();
        observe(latencyNanos);
    }

    /** A call that never reached the provider (refused by this client): no latency sample. */
    void abandoned() {
        active.decrementAndGet();
    }

    private synchronized void observe(long latencyNanos) {
        long now = System.nanoTime();
        double w = Math.exp(-(now - ewmaStamp) / DECAY_NANOS);
        double decayed = ewmaNanos * w;
        // peak-sensitive: a slower answer is taken at once, faster ones blend in with the time since the last one
        ewmaNanos = latencyNanos > decayed ? latencyNanos : decayed + latencyNanos * (1 - w);
        ewmaStamp = now;
    }

    /**
     * Current latency estimate, decayed to now: an endpoint nobody picks any more (because it looked slow) drifts
     * back towards zero and gets probed again, instead of being starved forever.
     */
    public synchronized double ewmaNanos() {
        return ewmaNanos * Math.exp(-(System.nanoTime() - ewmaStamp) / DECAY_NANOS);
    }

    /** P2C cost: expected latency times the queue ahead of a new call, per unit of weight. */
    double cost(int weight) {
        return (ewmaNanos() + 1) * (active.get() + 1) / Math.max(1, weight);
    }

    /** Connected (or connecting) and not draining after GOAWAY. */
    public boolean isAvailable() {
        return connection.isAvailable();
    }

    synchronized boolean isEjected(long nowNanos) {
        return ejectedUntilNanos != 0 && nowNanos - ejectedUntilNanos < 0;
    }

    @Override
    public String toString() {
        return info.address();
    }
}
