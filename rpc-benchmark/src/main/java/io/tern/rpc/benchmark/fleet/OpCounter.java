package io.tern.rpc.benchmark.fleet;

import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.ZooKeeperRegistry;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the ZooKeeper operations one role's registry clients make (Curator's tracer: every operation, foreground
 * or background, with its response size), by operation name ("GetDataBuilderImpl-Background", ...). Attached to a
 * registry's Curator client, it sees exactly what the project's registry code asks of ZooKeeper.
 */
final class OpCounter extends AdvancedTracerDriver {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> responseBytes = new ConcurrentHashMap<>();

    /** Operation counts and response bytes at one moment. */
    record Snapshot(Map<String, Long> counts, Map<String, Long> responseBytes) {
    }

    void attach(Registry registry) {
        if (registry instanceof ZooKeeperRegistry zk) {
            zk.curator().getZookeeperClient().setTracerDriver(this);
        }
    }

    @Override
    public void addTrace(OperationTrace trace) {
        counts.computeIfAbsent(trace.getName(), k -> new LongAdder()).increment();
        responseBytes.computeIfAbsent(trace.getName(), k -> new LongAdder()).add(trace.getResponseBytesLength());
    }

    @Override
    public void addEvent(EventTrace trace) {
        counts.computeIfAbsent("event " + trace.getName(), k -> new LongAdder()).increment();
    }

    Snapshot snapshot() {
        return new Snapshot(sums(counts), sums(responseBytes));
    }

    /** What happened between two snapshots, by operation name (names with no change left out). */
    static Snapshot between(Snapshot before, Snapshot after) {
        return new Snapshot(diff(before.counts(), after.counts()), diff(before.responseBytes(), after.responseBytes()));
    }

    static long total(Map<String, Long> byName, String nameContains) {
        return byName.entrySet().stream().filter(e -> e.getKey().contains(nameContains)).mapToLong(Map.Entry::getValue).sum();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> out = new TreeMap<>();
        adders.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }
}
