package io.tern.rpc.benchmark.e2e;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** A process's CPU time, bytes allocated by all its threads, and GC count/time, at one instant. */
record ProcStats(long cpuNanos, long allocatedBytes, long gcCount, long gcMillis) {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static ProcStats now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new ProcStats(OS.getProcessCpuTime(), THREADS.getTotalThreadAllocatedBytes(), count, millis);
    }

    ProcStats minus(ProcStats earlier) {
        return new ProcStats(cpuNanos - earlier.cpuNanos, allocatedBytes - earlier.allocatedBytes,
                gcCount - earlier.gcCount, gcMillis - earlier.gcMillis);
    }

    String line() {
        return "STATS " + cpuNanos + " " + allocatedBytes + " " + gcCount + " " + gcMillis;
    }

    static ProcStats parse(String line) {
        String[] p = line.trim().split(" ");
        if (p.length != 5 || !p[0].equals("STATS")) {
            throw new IllegalArgumentException("not a STATS line: " + line);
        }
        return new ProcStats(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4]));
    }
}
