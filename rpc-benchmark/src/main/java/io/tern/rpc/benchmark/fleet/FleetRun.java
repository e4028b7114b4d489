package io.tern.rpc.benchmark.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What one fleet run set up and measured, for {@link FleetReport}. */
final class FleetRun {
    final FleetLayout layout;
    final int consumers;
    final int watch;
    final int batch;
    final long intervalMillis;
    final long downMillis;
    final boolean restartSession;
    final List<String> notes = new ArrayList<>();

    ChangeTracker initial;
    ChangeTracker restart;

    double idleSeconds;
    List<Map<String, Double>> idleStart;
    List<Map<String, Double>> idleEnd;
    List<String> wchs;
    List<String> wchsAfter;
    OpCounter.Snapshot consumerOps;
    OpCounter.Snapshot providerOps;

    /** From the first restart to the last provider registered again, and to the last consumer seeing it. */
    double restartSeconds;
    double windowSeconds;
    List<Map<String, Double>> before;
    List<Map<String, Double>> after;
    long notifications;
    Map<String, Long> consumerCpu;
    Map<String, Long> providerCpu;
    Map<String, Long> serverCpu;

    FleetRun(FleetLayout layout, int consumers, int watch, int batch, long intervalMillis, long downMillis, boolean restartSession) {
        this.layout = layout;
        this.consumers = consumers;
        this.watch = watch;
        this.batch = batch;
        this.intervalMillis = intervalMillis;
        this.downMillis = downMillis;
        this.restartSession = restartSession;
    }

    /** A set-up fact for the report, echoed to stderr as the run goes. */
    void note(String format, Object... args) {
        String line = String.format(format, args);
        notes.add(line);
        System.err.println("[fleet] " + line);
    }

    void idle(List<Map<String, Double>> start, List<Map<String, Double>> end, double seconds) {
        this.idleStart = start;
        this.idleEnd = end;
        this.idleSeconds = seconds;
    }

    void watches(List<String> wchs) {
        this.wchs = wchs;
    }

    void watchesAfter(List<String> wchs) {
        this.wchsAfter = wchs;
    }

    void ops(OpCounter.Snapshot consumerOps, OpCounter.Snapshot providerOps) {
        this.consumerOps = consumerOps;
        this.providerOps = providerOps;
    }

    void restartWindow(double restartSeconds, double windowSeconds, List<Map<String, Double>> before, List<Map<String, Double>> after,
                       long notifications, Map<String, Long> consumerCpu, Map<String, Long> providerCpu, Map<String, Long> serverCpu) {
        this.restartSeconds = restartSeconds;
        this.windowSeconds = windowSeconds;
        this.before = before;
        this.after = after;
        this.notifications = notifications;
        this.consumerCpu = consumerCpu;
        this.providerCpu = providerCpu;
        this.serverCpu = serverCpu;
    }

    /** Delta of a mntr key in the restart window: summed over the servers, or the first server's. */
    double delta(String key, boolean sum) {
        return value(after, key, sum) - value(before, key, sum);
    }

    /** Delta of a mntr key in the idle window: summed over the servers, or the first server's. */
    double idleDelta(String key, boolean sum) {
        return value(idleEnd, key, sum) - value(idleStart, key, sum);
    }

    private static double value(List<Map<String, Double>> snapshot, String key, boolean sum) {
        return sum ? Ensemble.sum(snapshot, key) : snapshot.get(0).getOrDefault(key, 0.0);
    }
}
