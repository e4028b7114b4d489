package io.tern.rpc.transport.internal;

import java.util.function.DoubleSupplier;

/**
 * The delays between a connection's reconnect attempts: from the minimum, doubling per failed attempt up to the
 * maximum, each with up to 20% jitter on top so that consumers which lost the same provider do not all come back
 * at once. A successful connect starts the schedule over. Used on the connection's event loop only.
 */
final class ReconnectBackoff {
    private final long minMillis;
    private final long maxMillis;
    /** Uniform in [0, 1): the jitter's share of its 20%. */
    private final DoubleSupplier random;
    private long nextMillis;

    ReconnectBackoff(long minMillis, long maxMillis, DoubleSupplier random) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
        this.nextMillis = minMillis;
    }

    /** The delay before the next attempt; the one after it is twice as long (up to the maximum). */
    long nextDelayMillis() {
        long delay = nextMillis;
        nextMillis = Math.min(delay * 2, maxMillis);
        return delay + (long) (delay * 0.2 * random.getAsDouble());
    }

    /** Connected: the next loss starts again from the minimum. */
    void reset() {
        nextMillis = minMillis;
    }
}
