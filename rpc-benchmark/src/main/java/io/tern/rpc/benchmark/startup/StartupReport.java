package io.tern.rpc.benchmark.startup;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The Markdown report of the start-up runs: every run, then the medians of the measured (non-warm-up) runs. */
final class StartupReport {
    private final List<StartupBench.Run> runs;
    private final String jvm;
    private final Duration callTimeout;
    private final long pollNanos;
    private final String label;
    private final StringBuilder md = new StringBuilder();

    StartupReport(List<StartupBench.Run> runs, String jvm, Duration callTimeout, long pollNanos, String label) {
        this.runs = runs;
        this.jvm = jvm;
        this.callTimeout = callTimeout;
        this.pollNanos = pollNanos;
        this.label = label;
    }

    String markdown() {
        line("# Start-up: demo provider JVM start -> first served call; registration -> first call (issue 16)");
        line("");
        if (!label.isEmpty()) {
            line(label);
            line("");
        }
        line("ZooKeeper: a Curator TestingServer in the harness JVM (127.0.0.1). Consumer: one Tern client in the harness,"
                + " running for the whole session, `Reference.to(UserService.class).timeout(%d ms).retries(0)`, calling"
                + " `whoAreYou()` every %.0f ms until the new provider answers with its name. Provider: the demo-provider fat jar"
                + " as a real process (`java %s -jar ... --rpc.server.host=127.0.0.1`), a new name and port per run, stopped"
                + " with SIGTERM after its first call. Spawn = just before the process is started (System.nanoTime()).",
                callTimeout.toMillis(), pollNanos / 1e6, jvm);
        line("");
        line("| run | spawn -> node created | spawn -> node seen by harness | **spawn -> first served call** |"
                + " **node seen -> first call** | node created -> first call | node seen -> consumer lists it | node seen -> consumer"
                + " connected | the first successful call took | failed calls after connect | Spring: started in | Spring: process running for |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (StartupBench.Run r : runs) {
            line("| %d%s | %.0f ms | %.0f ms | **%.0f ms** | **%.1f ms** | %.0f ms | %.1f ms | %.1f ms | %.1f ms | %d | %.2f s | %.2f s |", r.index(),
                    r.warmup() ? " (warm-up, not in median)" : "", r.toCreated(), r.toSeen(), r.toFirstCall(), r.seenToCall(),
                    r.createdToCall(), r.seenToListed(), r.seenToConnected(), r.callMillis(), r.failedAfterConnect(),
                    r.springStartedIn(), r.springRunningFor());
        }
        List<StartupBench.Run> m = runs.stream().filter(r -> !r.warmup()).toList();
        line("| **median of %d** | %.0f ms | %.0f ms | **%.0f ms** | **%.1f ms** | %.0f ms | %.1f ms | %.1f ms | %.1f ms | %.0f | %.2f s | %.2f s |",
                m.size(), median(m, StartupBench.Run::toCreated), median(m, StartupBench.Run::toSeen), median(m, StartupBench.Run::toFirstCall),
                median(m, StartupBench.Run::seenToCall), median(m, StartupBench.Run::createdToCall), median(m, StartupBench.Run::seenToListed),
                median(m, StartupBench.Run::seenToConnected), median(m, StartupBench.Run::callMillis),
                median(m, r -> r.failedAfterConnect()), median(m, StartupBench.Run::springStartedIn),
                median(m, StartupBench.Run::springRunningFor));
        line("");
        line("Node created = the provider node's ctime (ZooKeeper's clock, epoch ms; same machine), so the columns using it have"
                + " millisecond resolution. Node seen = the harness's own CuratorCache on the providers node saw it; the consumer's"
                + " registry watch sees it the same way, then its directory connects to the provider and the next poll's call goes"
                + " there, so 'node seen -> first call' = registry propagation to the consumer + TCP connect + one call + up to one"
                + " polling interval; its parts: when the consumer's directory (TernClient.views(), checked before every poll)"
                + " first listed the provider and first had it connected (both"
                + " relative to the harness's watch, a separate session: negative when the consumer's watch fired first),"
                + " how long the first successful call itself took (the"
                + " provider's JVM is cold), and how many calls failed (e.g. timed out) after it was connected. 'NaN': the"
                + " consumer's directory was not seen listing or connecting the provider before the call that succeeded (it happened"
                + " while that call waited); medians leave such runs out."
                + " Spring's figures are from the provider's own 'Started ... in' log line.");
        return md.toString();
    }

    private static double median(List<StartupBench.Run> runs, ToDoubleFunction<StartupBench.Run> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray(); // NaN: not observed in that run
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void line(String format, Object... args) {
        md.append(args.length == 0 ? format : String.format(format, args)).append('\n');
    }
}
