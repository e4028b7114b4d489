package io.tern.rpc.benchmark.fleet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the threads of one role (consumers, providers, ZooKeeper servers), told apart by thread group: every
 * thread a ZooKeeper or Curator client starts (its SendThread and EventThread, Curator's notification and
 * connection-state threads, the registry's own) inherits the group of the thread that built the client, so building
 * each role's clients on a thread of its own group labels all their threads. Within a role, threads are summed by
 * kind (their name without numbers and addresses).
 */
final class ThreadCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    static {
        if (MX.isThreadCpuTimeSupported() && !MX.isThreadCpuTimeEnabled()) {
            MX.setThreadCpuTimeEnabled(true);
        }
    }

    /** CPU nanoseconds per thread id, and each thread's kind, at one moment. */
    record Snapshot(Map<Long, Long> cpuById, Map<Long, String> kindById) {
    }

    private ThreadCpu() {
    }

    static Snapshot take(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() * 2 + 16];
        int n = group.enumerate(threads, true);
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> kind = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long id = threads[i].getId();
            long t = MX.getThreadCpuTime(id);
            if (t >= 0) {
                cpu.put(id, t);
                kind.put(id, kind(threads[i].getName()));
            }
        }
        return new Snapshot(cpu, kind);
    }

    /**
     * CPU nanoseconds spent between two snapshots, by thread kind (a thread born in between counts from zero; one
     * that died in between is lost, which these long-lived client threads do not do).
     */
    static Map<String, Long> between(Snapshot before, Snapshot after) {
        Map<String, Long> byKind = new TreeMap<>();
        after.cpuById().forEach((id, t) -> {
            long spent = t - before.cpuById().getOrDefault(id, 0L);
            byKind.merge(after.kindById().get(id), Math.max(0, spent), Long::sum);
        });
        return byKind;
    }

    static long total(Map<String, Long> byKind) {
        return byKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "fleet-consumer-17-SendThread(127.0.0.1:4711)" -> "SendThread"; "tern-registry-notify" -> the cache listeners' thread. */
    static String kind(String name) {
        if (name.contains("-SendThread")) {
            return "ZooKeeper SendThread (socket I/O, decoding)";
        }
        if (name.contains("-EventThread")) {
            return "ZooKeeper EventThread (watch events, Curator callbacks)";
        }
        if (name.startsWith("tern-registry-notify") || name.contains("SafeNotifyService")) { // Curator's own before Tern gave it one
            return "Curator SafeNotifyService (cache listeners: Tern's list decode + delivery)";
        }
        String k = name.replaceAll("\\(.*\\)", "").replaceAll("[-:]?\\d+", "").replaceAll("--+", "-");
        return k.isEmpty() ? name : k;
    }
}
