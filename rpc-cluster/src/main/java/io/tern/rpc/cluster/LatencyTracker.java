package io.tern.rpc.cluster;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Recent call latencies in a ring, with a percentile recomputed every {@value #RECOMPUTE_EVERY} samples. */
final class LatencyTracker {
    static final int SIZE = 1024;
    static final int RECOMPUTE_EVERY = 128;

    private final long[] ring = new long[SIZE];
    private final AtomicLong count = new AtomicLong();
    private final double percentile;
    private volatile long cachedNanos = -1;

    LatencyTracker(double percentile) {
        this.percentile = percentile;
    }

    void record(long nanos) {
        long n = count.getAndIncrement();
        ring[(int) (n % SIZE)] = nanos;
        if (n >= 64 && n % RECOMPUTE_EVERY == 0) {
            int filled = (int) Math.min(n + 1, SIZE);
            long[] copy = Arrays.copyOf(ring, filled);
            Arrays.sort(copy);
            cachedNanos = copy[Math.min(filled - 1, (int) Math.ceil(percentile / 100.0 * filled) - 1)];
        }
    }

    /** The percentile in nanoseconds, or -1 until enough calls were seen. */
    long percentileNanos() {
        return cachedNanos;
    }
}
