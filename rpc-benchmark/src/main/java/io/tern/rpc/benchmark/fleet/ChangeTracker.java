package io.tern.rpc.benchmark.fleet;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registration changes of one phase and when each subscribed consumer saw them. A change is one provider's
 * registration (generation g) appearing or its generation g disappearing; it starts when the provider side begins
 * the registry call ({@link #begin}) and is seen by a consumer when that consumer's listener receives a list that
 * reflects it ({@link #seen}). Latencies, in microseconds: per (change, consumer) pair, and per change (until the last
 * of its watchers saw it).
 */
final class ChangeTracker {
    private static final long MAX_MICROS = 600_000_000L;

    private final int watchersPerChange;
    private final Map<Long, Change> changes = new ConcurrentHashMap<>();
    private final Histogram pairs = new ConcurrentHistogram(MAX_MICROS, 3);
    private final Histogram appearedPairs = new ConcurrentHistogram(MAX_MICROS, 3);
    private final AtomicInteger complete = new AtomicInteger();
    private final AtomicLong unexpected = new AtomicLong();

    private static final class Change {
        final long startNanos;
        final boolean appeared;
        final AtomicInteger seen = new AtomicInteger();
        final AtomicLong lastSeenNanos = new AtomicLong();

        Change(long startNanos, boolean appeared) {
            this.startNanos = startNanos;
            this.appeared = appeared;
        }
    }

    ChangeTracker(int watchersPerChange) {
        this.watchersPerChange = watchersPerChange;
    }

    private static long key(int provider, int generation, boolean appeared) {
        return ((long) provider << 32) | ((long) generation << 1) | (appeared ? 1 : 0);
    }

    /** Called before the registry call that makes the change. */
    void begin(int provider, int generation, boolean appeared) {
        changes.put(key(provider, generation, appeared), new Change(System.nanoTime(), appeared));
    }

    /** A consumer's view now reflects the change (called on that consumer's notification thread). */
    void seen(int provider, int generation, boolean appeared, long nowNanos) {
        Change c = changes.get(key(provider, generation, appeared));
        if (c == null) {
            unexpected.incrementAndGet(); // a change of another phase, or one not begun through this tracker
            return;
        }
        long micros = Math.min(MAX_MICROS, Math.max(0, (nowNanos - c.startNanos) / 1000));
        pairs.recordValue(micros);
        if (appeared) {
            appearedPairs.recordValue(micros);
        }
        c.lastSeenNanos.accumulateAndGet(nowNanos, Math::max);
        if (c.seen.incrementAndGet() == watchersPerChange) {
            complete.incrementAndGet();
        }
    }

    int begun() {
        return changes.size();
    }

    boolean allSeen() {
        return complete.get() == changes.size();
    }

    int completeChanges() {
        return complete.get();
    }

    long unexpected() {
        return unexpected.get();
    }

    long pairCount() {
        return pairs.getTotalCount();
    }

    /** Per (change, consumer) pair, µs. */
    Histogram pairLatencies() {
        return pairs.copy();
    }

    /** Per (change, consumer) pair of the appearing (true) or disappearing (false) changes, µs. */
    Histogram pairLatencies(boolean appeared) {
        Histogram h = appearedPairs.copy();
        if (!appeared) {
            h = pairs.copy();
            h.subtract(appearedPairs);
        }
        return h;
    }

    /** Per change, until its last watcher saw it, µs (complete changes only). */
    Histogram changeLatencies() {
        return changeLatencies(null);
    }

    /** As {@link #changeLatencies()}, of the appearing (true), disappearing (false) or all (null) changes. */
    Histogram changeLatencies(Boolean appeared) {
        Histogram h = new Histogram(MAX_MICROS, 3);
        for (Change c : changes.values()) {
            if (c.seen.get() >= watchersPerChange && (appeared == null || appeared == c.appeared)) {
                h.recordValue(Math.min(MAX_MICROS, Math.max(0, (c.lastSeenNanos.get() - c.startNanos) / 1000)));
            }
        }
        return h;
    }
}
