package io.tern.rpc.benchmark.conns;

import java.util.List;
import java.util.Map;

/**
 * What one side's scenario measured in the process under test: memory before and after its idle connections opened
 * (and where the heap went), and the active connection's latency without and with them, by concurrency.
 *
 * @param latencyWithout C -> {calls, ops/s, p50, p99, p99.9, max (µs), errors}, idle connections not open
 * @param latencyWith    the same, while they are open
 * @param latencyAfter   the same, after they closed again (so that an order effect shows)
 * @param notes          facts of the run worth a line in the report (connect time, connections still open, ...)
 */
record SideResult(String title, String process, int connections, MemorySnapshot before, MemorySnapshot after,
                  List<ClassHistogram.Growth> growth, long histogramDelta, Map<Integer, double[]> latencyWithout,
                  Map<Integer, double[]> latencyWith, Map<Integer, double[]> latencyAfter, List<String> notes) {

    double heapPerConnection() {
        return (after.heapUsed() - before.heapUsed()) / (double) connections;
    }

    double directPerConnection() {
        return (after.direct() - before.direct()) / (double) connections;
    }

    double allocatorDirectPerConnection() {
        return (after.allocatorDirect() - before.allocatorDirect()) / (double) connections;
    }

    double rssPerConnection() {
        return (after.rss() - before.rss()) / (double) connections;
    }

    static double[] parseLoad(String line) {
        String[] p = line.trim().split(" ");
        double[] v = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Double.parseDouble(p[i]);
        }
        return v;
    }
}
