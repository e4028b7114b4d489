package io.tern.rpc.benchmark.fleet;

import org.HdrHistogram.Histogram;

import java.util.Map;

/** The Markdown report of a {@link FleetRun}. */
final class FleetReport {
    private final FleetRun r;
    private final int watchers;
    private final String label;
    private final StringBuilder md = new StringBuilder();

    private final double consumersPerProcess;

    FleetReport(FleetRun run, int watchers, double consumersPerProcess, String label) {
        this.r = run;
        this.watchers = watchers;
        this.consumersPerProcess = consumersPerProcess;
        this.label = label;
    }

    String markdown() {
        FleetLayout l = r.layout;
        line("# Fleet: registry propagation on a 3-server ZooKeeper ensemble (issue 16)");
        line("");
        if (!label.isEmpty()) {
            line(label);
            line("");
        }
        line("%d registrations = %d services x %d providers, from %d provider processes (%d service(s) each, one registry session each); "
                        + "%d consumers, each its own registry session watching %d services (consumer c: services (c*%d + k) mod %d), "
                        + "so %d watchers per service. Rolling restart: %d process(es) every %d ms, each down %d ms (%s).",
                l.registrations, l.services, l.registrations / l.services, l.processes(), l.perProcess, r.consumers, r.watch, r.watch,
                l.services, watchers, r.batch, r.intervalMillis, r.downMillis,
                r.restartSession ? "registry closed: nodes deleted, session ended; then a new session registers again"
                        : "nodes unregistered and registered again on the same session");
        line("");
        for (String note : r.notes) {
            line("- %s", note);
        }
        line("");
        line("## Propagation: registry call -> every watching consumer's listener");
        line("");
        line("| phase | changes | seen by all | (change, consumer) pairs | pair p50 | pair p99 | pair max | change p50 | change p99 | change max |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        row("initial registration (as fast as 16 threads go)", r.initial);
        row("rolling restart", r.restart);
        row("... of which registrations appearing", r.restart, true);
        row("... of which registrations going away", r.restart, false);
        line("");
        line("A change is one registration appearing or one generation of it going away; a (change, consumer) pair is one"
                + " consumer's listener receiving a list that reflects it; a change's time is until its last watcher (of %d) saw it."
                + " Times are from just before the provider side's registry call (register, or close/unregister) to the listener,"
                + " both timed with System.nanoTime() in this JVM. Unattributed observations (should be 0): %d.", watchers,
                r.restart.unexpected() + r.initial.unexpected());
        line("");
        zooKeeper();
        consumerCpu();
        md.append(new LayoutAnalysis(r, watchers, consumersPerProcess).markdown());
        return md.toString();
    }

    private void row(String phase, ChangeTracker t) {
        row(phase, t.pairLatencies(), t.changeLatencies(), t.begun(), t.completeChanges());
    }

    private void row(String phase, ChangeTracker t, boolean appeared) {
        Histogram c = t.changeLatencies(appeared);
        row(phase, t.pairLatencies(appeared), c, t.begun() / 2, (int) c.getTotalCount());
    }

    private void row(String phase, Histogram p, Histogram c, int begun, int complete) {
        line("| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s |", phase, begun, complete, p.getTotalCount(),
                ms(p.getValueAtPercentile(50)), ms(p.getValueAtPercentile(99)), ms(p.getMaxValue()),
                ms(c.getValueAtPercentile(50)), ms(c.getValueAtPercentile(99)), ms(c.getMaxValue()));
    }

    /**
     * The mntr figures that matter here (the rest is left out), and whether each is the server's own (ServerStats:
     * summed over the servers) or one of ZooKeeper's ServerMetrics, which are static: the three servers in this JVM
     * share them, so any one server's value is already the ensemble's total.
     */
    private static final String[][] MNTR = {
            {"zk_packets_received", "sum", "packets received (requests + pings)"},
            {"zk_packets_sent", "sum", "packets sent (responses + watch events)"},
            {"zk_cnt_tern_read_per_namespace", "one", "reads under /tern (getData, getChildren, exists)"},
            {"zk_sum_tern_read_per_namespace", "one", "bytes read under /tern"},
            {"zk_cnt_tern_write_per_namespace", "one", "writes under /tern, as applied by each server (3 per write)"},
            {"zk_watch_bytes", "one", "bytes of watch events sent"},
            {"zk_response_bytes", "one", "bytes of responses sent"},
            {"zk_sum_node_created_watch_count", "one", "watchers triggered by node creations"},
            {"zk_sum_node_deleted_watch_count", "one", "watchers triggered by node deletions"},
            {"zk_sum_node_changed_watch_count", "one", "watchers triggered by data changes"},
            {"zk_connection_request_count", "one", "new client connections"},
    };

    private void zooKeeper() {
        line("## ZooKeeper (mntr of the 3 servers)");
        line("");
        line("Restart window %.1f s (the restarts themselves took %.1f s; the window ends when the last consumer saw the last change).",
                r.windowSeconds, r.restartSeconds);
        line("Alive connections: %.0f. Watches (wchs) after set-up: %s. After the restarts: %s.",
                Ensemble.sum(r.after, "zk_num_alive_connections"), String.join("; ", r.wchs), String.join("; ", r.wchsAfter));
        line("");
        line("Packets: summed over the servers. The other rows are ZooKeeper's ServerMetrics, which are static: the three servers"
                + " in this JVM share them, so one server's figure is the ensemble's total.");
        line("");
        line("| mntr | what | idle /s | restart window | restart /s | per change |");
        line("|---|---|---:|---:|---:|---:|");
        int changes = Math.max(1, r.restart.begun());
        for (String[] key : MNTR) {
            boolean sum = key[1].equals("sum");
            double d = r.delta(key[0], sum);
            line("| %s | %s | %.1f | %.0f | %.1f | %.1f |", key[0], key[2], r.idleDelta(key[0], sum) / r.idleSeconds, d,
                    d / r.windowSeconds, d / changes);
        }
        line("");
        line("Operations the registry clients made in the restart window (Curator's tracer on each client; bytes = data returned):");
        line("");
        line("| role | operation | count | per change | response bytes |");
        line("|---|---|---:|---:|---:|");
        opRows("consumers", r.consumerOps, changes);
        opRows("providers", r.providerOps, changes);
        line("");
    }

    private void opRows(String role, OpCounter.Snapshot ops, int changes) {
        ops.counts().forEach((name, count) -> line("| %s | %s | %d | %.1f | %d |", role, name, count, (double) count / changes,
                ops.responseBytes().getOrDefault(name, 0L)));
    }

    private void consumerCpu() {
        line("## CPU during the restart window (thread CPU time, by thread kind)");
        line("");
        long notifications = Math.max(1, r.notifications);
        line("Consumer listener deliveries (lists) in the window: %d; (change, consumer) pairs: %d.", r.notifications, r.restart.pairCount());
        line("");
        line("| role | thread kind | CPU ms | µs per delivered list |");
        line("|---|---|---:|---:|");
        cpuRows("consumers", r.consumerCpu, notifications);
        cpuRows("providers", r.providerCpu, notifications);
        cpuRows("ZooKeeper servers", r.serverCpu, notifications);
        line("");
    }

    private void cpuRows(String role, Map<String, Long> byKind, long notifications) {
        byKind.forEach((kind, nanos) -> {
            if (nanos >= 1_000_000) {
                line("| %s | %s | %.0f | %.1f |", role, kind, nanos / 1e6, nanos / 1e3 / notifications);
            }
        });
        long total = ThreadCpu.total(byKind);
        line("| %s | **total** | **%.0f** | **%.1f** |", role, total / 1e6, total / 1e3 / notifications);
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    private void line(String format, Object... args) {
        md.append(args.length == 0 ? format : String.format(format, args)).append('\n');
    }
}
