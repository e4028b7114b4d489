package io.tern.rpc.benchmark.fleet;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The report's answer to "is the per-service layout the bottleneck?": the measured cost of one registration change
 * and of one provider-process restart under today's layout (SPEC §3: one node per provider per service, watched per
 * service), set against what application-level registration (one instance node per process, watched per
 * application) would cost for the same fleet. The application-level figures are a projection, not a measurement:
 * each instance change is assumed to cost a consumer what one registration change costs it today.
 */
final class LayoutAnalysis {
    private final FleetRun r;
    private final int watchers;
    private final double consumersPerProcess;
    private final StringBuilder md = new StringBuilder();

    LayoutAnalysis(FleetRun run, int watchers, double consumersPerProcess) {
        this.r = run;
        this.watchers = watchers;
        this.consumersPerProcess = consumersPerProcess;
    }

    String markdown() {
        FleetLayout l = r.layout;
        int changes = Math.max(1, r.restart.begun());
        int creations = Math.max(1, changes / 2);
        Map<String, Long> ops = r.consumerOps.counts();
        long reads = OpCounter.total(ops, "GetData") + OpCounter.total(ops, "GetChildren") + OpCounter.total(ops, "Exists");
        long bytes = r.consumerOps.responseBytes().values().stream().mapToLong(Long::longValue).sum();
        long consumerCpu = ThreadCpu.total(r.consumerCpu);
        double p99 = r.restart.changeLatencies().getValueAtPercentile(99) / 1000.0;
        double pairP99 = r.restart.pairLatencies().getValueAtPercentile(99) / 1000.0;

        line("## The per-service layout: cost per change, per restart, and application-level registration");
        line("");
        line("Target: p99 <= 1 s from a registration change to every watching consumer's directory. Measured in the rolling"
                + " restart: change p99 %.0f ms, (change, consumer) pair p99 %.0f ms: %s.", p99, pairP99,
                p99 <= 1000 ? "**met**" : "**missed**");
        line("");
        line("Cost of one registration change (a service with %d providers and %d watchers), measured:", l.registrations / l.services, watchers);
        line("");
        line("- watch events: %d (each watching consumer holds one persistent recursive watch on the service's `providers` node"
                + " through Curator's CuratorCache: a change is one event per watcher, not a re-read of the %d-child list);",
                watchers, l.registrations / l.services);
        line("- consumer reads: %.1f per change, %.2f per (appearing registration, watcher) and none for one going away;"
                + " %.0f bytes of node data returned per change;", (double) reads / changes, (double) reads / creations / watchers,
                (double) bytes / changes);
        double pairsIn = (double) creations * watchers;
        line("  of the reads per (appearing registration, watcher): getData %.2f, getChildren %.2f; watchers triggered by data changes"
                        + " per appearing registration: %.1f (one getData follows NodeCreated; a second follows the NodeDataChanged of the"
                        + " registration's second write: ProviderRegistrations creates the node, then the Curator PersistentNode that keeps it"
                        + " finds it existing and sets its data again; the getChildren is CuratorCache looking for children under every new"
                        + " node of its recursive watch);",
                OpCounter.total(ops, "GetData") / pairsIn, OpCounter.total(ops, "GetChildren") / pairsIn,
                r.delta("zk_sum_node_changed_watch_count", false) / creations);
        line("- listener deliveries: %.1f per change; every delivery decodes and sorts the service's whole provider list (%d entries)"
                + " in the registry, and the consumer's Directory would then rebuild its endpoint list (not run here: no connections);",
                (double) r.notifications / changes, l.registrations / l.services);
        line("- consumer CPU (all threads of the %d consumer clients): %.0f µs per delivered list, %.2f ms per change in total.",
                r.consumers, consumerCpu / 1e3 / Math.max(1, r.notifications), consumerCpu / 1e6 / changes);
        line("");
        int perRestartEvents = 2 * l.perProcess * watchers;
        double appEvents = 2 * consumersPerProcess;
        int appWatches = appWatches();
        line("One provider-process restart (%d service(s) per process) today: %d changes, %d watch events and listener deliveries,"
                        + " ~%.0f consumer reads. With application-level registration (one instance node per process under its"
                        + " application, service-to-application mapping and service metadata read once per application revision, not per"
                        + " instance change) the same restart would be 2 instance changes, each to the %.0f consumers using that"
                        + " application: ~%.0f events and deliveries (%.1fx fewer), ~%.0f reads. Watches held: %d today (consumer x"
                        + " service), %d application-level (consumer x application).",
                l.perProcess, 2 * l.perProcess, perRestartEvents, (double) reads / l.processes(), consumersPerProcess, appEvents,
                perRestartEvents / appEvents, consumersPerProcess * (double) reads / creations / watchers, r.consumers * r.watch, appWatches);
        line("");
        return md.toString();
    }

    /** Consumer x application pairs, an application being the processes that export the same set of services. */
    private int appWatches() {
        FleetLayout l = r.layout;
        int total = 0;
        for (int c = 0; c < r.consumers; c++) {
            Set<Integer> apps = new HashSet<>();
            for (int k = 0; k < r.watch; k++) {
                apps.add(((c * r.watch + k) % l.services) / l.perProcess);
            }
            total += apps.size();
        }
        return total;
    }

    private void line(String format, Object... args) {
        md.append(args.length == 0 ? format : String.format(format, args)).append('\n');
    }
}
