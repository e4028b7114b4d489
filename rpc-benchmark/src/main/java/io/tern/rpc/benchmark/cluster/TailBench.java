package io.tern.rpc.benchmark.cluster;

import io.tern.rpc.benchmark.cluster.RowRunner.Result;
import io.tern.rpc.benchmark.cluster.RowRunner.Row;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 16, tail latency with a slow provider: five providers, one of which is slow (scenario A: +50 ms on 5% of
 * its calls; B: 3x the base time on every call), under a fixed offered load. For each balancer, with and without
 * backup requests, p50/p99/p99.9 and the share of extra requests, against a healthy fleet in the same run; writes a
 * Markdown table with the verdict on the target (P2C-EWMA with backups: p99 at most 1.5x the healthy p99 for at most
 * 5% extra requests) and a latency-by-percentile plot.
 *
 * <p>Runs are interleaved (run 1 of every row, then run 2...), so a drift of the machine's speed spreads over all
 * rows instead of landing on the last ones; each figure is the median of the runs.
 *
 * <pre>
 * --rate 2000 (calls/s offered) --warmup 5 --measure 10 (s per run) --runs 3 --base-ms 1 (service time) --providers 5
 * --balancers random,round-robin,least-active,p2c --backup p95 --timeout-ms 1000 --label TEXT
 * --out bench/results/tail-latest.md --png bench/results/tail-latest.png
 * </pre>
 */
public final class TailBench {
    private TailBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        double rate = Double.parseDouble(o.getOrDefault("rate", "2000"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "5"));
        double measure = Double.parseDouble(o.getOrDefault("measure", "10"));
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        double baseMs = Double.parseDouble(o.getOrDefault("base-ms", "1"));
        int size = Integer.parseInt(o.getOrDefault("providers", "5"));
        List<String> balancers = List.of(o.getOrDefault("balancers", "random,round-robin,least-active,p2c").split(","));
        String backup = o.getOrDefault("backup", "p95");
        Duration timeout = Duration.ofMillis(Long.parseLong(o.getOrDefault("timeout-ms", "1000")));
        TailReport.Settings settings = new TailReport.Settings(rate, warmup, measure, runs, baseMs, size, backup, timeout,
                o.getOrDefault("label", ""));

        List<Row> rows = rows(balancers, backup);
        Map<Row, List<Result>> results = new LinkedHashMap<>();
        rows.forEach(r -> results.put(r, new ArrayList<>()));
        String start = TailReport.loadAverage();
        try (Fleet fleet = new Fleet(size, (long) (baseMs * 1e6));
             TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(fleet.directAddress()))) {
            RowRunner runner = new RowRunner(fleet, client, rate, warmup, measure, timeout);
            System.err.printf(Locale.ROOT, "JVM warm-up: %.0f s at %.0f calls/s%n", warmup, rate);
            new RowRunner(fleet, client, rate, 0, warmup, timeout).run(new Row(Scenario.HEALTHY, "p2c", backup));
            for (int run = 1; run <= runs; run++) {
                for (Row row : rows) {
                    Result r = runner.run(row);
                    results.get(row).add(r);
                    System.err.printf(Locale.ROOT, "run %d/%d %-14s %-12s %-4s p50 %.2f p99 %.2f p99.9 %.2f ms, extra %.1f%%, slow share %.1f%%, errors %d, lag max %.1f ms%n",
                            run, runs, row.scenario().label, row.balancer(), row.backup(), r.p50(), r.p99(), r.p999(), 100 * r.extraSent(),
                            100 * r.slowShare(), r.errors(), r.lagMaxMs());
                }
            }
        }
        Map<Row, Result> medians = new LinkedHashMap<>();
        results.forEach((row, list) -> medians.put(row, RowRunner.median(list)));
        String markdown = TailReport.markdown(settings, medians, start, TailReport.loadAverage());
        System.out.print(markdown);
        Path out = Path.of(o.getOrDefault("out", "bench/results/tail-latest.md"));
        java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
        java.nio.file.Files.writeString(out, markdown);
        TailReport.plot(Path.of(o.getOrDefault("png", "bench/results/tail-latest.png")), settings, medians);
    }

    /** Healthy: every balancer without backups and p2c with them; then each scenario x balancer x {off, backup}. */
    static List<Row> rows(List<String> balancers, String backup) {
        List<Row> rows = new ArrayList<>();
        for (String lb : balancers) {
            rows.add(new Row(Scenario.HEALTHY, lb, "off"));
        }
        rows.add(new Row(Scenario.HEALTHY, "p2c", backup));
        for (Scenario s : List.of(Scenario.SPIKES, Scenario.SLOW3X)) {
            for (String lb : balancers) {
                rows.add(new Row(s, lb, "off"));
                rows.add(new Row(s, lb, backup));
            }
        }
        return rows;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: TailBench [--name value]... (see the class Javadoc); bad argument " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
