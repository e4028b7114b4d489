package io.tern.demo.consumer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** Counts of one stretch of the tour: calls served per provider, failures, latencies. */
final class TourStats {
    private final long startNanos = System.nanoTime();
    private final Map<String, LongAdder> byProvider = new ConcurrentHashMap<>();
    private final LongAdder failed = new LongAdder();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private long[] latencies = new long[4096];
    private int count;

    void ok(String provider, long nanos) {
        byProvider.computeIfAbsent(provider, p -> new LongAdder()).increment();
        record(nanos);
    }

    void failed(Throwable e) {
        failed.increment();
        if (failures.size() < 3) {
            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private synchronized void record(long nanos) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = nanos;
    }

    long okCount() {
        return byProvider.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long failedCount() {
        return failed.sum();
    }

    List<String> failures() {
        return failures;
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Latency percentile in milliseconds (0 when there were no successful calls). */
    synchronized double percentileMillis(double p) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100.0 * count) - 1));
        return sorted[index] / 1e6;
    }

    /** "name=count (pct%)" for each provider, by name. */
    String servedBy(boolean withCounts) {
        long total = Math.max(1, okCount());
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(byProvider).forEach((name, n) -> {
            long v = n.sum();
            sb.append("  ").append(name).append('=');
            if (withCounts) {
                sb.append(v).append(" (").append(Math.round(100.0 * v / total)).append("%)");
            } else {
                sb.append(Math.round(100.0 * v / total)).append('%');
            }
        });
        return sb.length() == 0 ? "  (none)" : sb.toString();
    }
}
