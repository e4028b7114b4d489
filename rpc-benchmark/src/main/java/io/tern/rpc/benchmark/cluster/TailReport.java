package io.tern.rpc.benchmark.cluster;

import io.tern.rpc.benchmark.cluster.RowRunner.Result;
import io.tern.rpc.benchmark.cluster.RowRunner.Row;
import io.tern.rpc.benchmark.e2e.LatencyPlot;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The tail benchmark's Markdown table, its verdict on the target, and its plot. */
final class TailReport {
    /** The target of issue 16: with a slow provider, p99 at most this times the healthy p99... */
    static final double MAX_P99_RATIO = 1.5;
    /** ...for at most this share of extra requests. */
    static final double MAX_EXTRA = 0.05;
    static final String TARGET_BALANCER = "p2c";

    record Settings(double rate, double warmup, double measure, int runs, double baseMs, int providers, String backup,
                    Duration timeout, String label) {
    }

    private TailReport() {
    }

    static String markdown(Settings s, Map<Row, Result> rows, String loadAtStart, String loadAtEnd) {
        StringBuilder md = new StringBuilder();
        md.append("# Tail latency with a slow provider (issue 16)\n\n");
        md.append(String.format(Locale.ROOT, "%s · %s · %d cores · Java %s · load average at start %s, at end %s%s%n%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), System.getProperty("os.name"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAtStart, loadAtEnd,
                s.label().isBlank() ? "" : " · " + s.label()));
        md.append(String.format(Locale.ROOT, "%d Tern providers on 127.0.0.1 (in this JVM, each its own server, event loops and executor; "
                        + "found through a `direct://` list), base service time %.1f ms (the provider's executor thread is held for it). "
                        + "Scenario A: the last provider adds 50 ms to 5%% of its calls; B: it takes 3x the base time on every call. "
                        + "Open loop at a fixed **%.0f calls/s**, async, latency from each call's intended send time (HdrHistogram); "
                        + "%.0f s warm-up + %.0f s measured per run, median of %d interleaved runs; deadline %d ms, retries 2, "
                        + "retry budget at its defaults (10%% + 10/s), consumer warm-up ramp off.%n%n",
                s.providers(), s.baseMs(), s.rate(), s.warmup(), s.measure(), s.runs(), s.timeout().toMillis()));
        Result healthy = rows.get(new Row(Scenario.HEALTHY, TARGET_BALANCER, "off"));
        md.append("| scenario | balancer | backup | p50 ms | p99 ms | p99.9 ms | p99 / healthy p99 | extra sent | extra served | slow provider's share | errors | calls/s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach((row, r) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2f | %.2fx | %.1f%% | %.1f%% | %.1f%% | %d | %.0f |%n",
                row.scenario().label, row.balancer(), row.backup(), r.p50(), r.p99(), r.p999(), r.p99() / healthy.p99(),
                100 * r.extraSent(), 100 * r.extraServed(), 100 * r.slowShare(), r.errors(), r.callsPerSecond())));
        md.append(String.format(Locale.ROOT, "%n*extra sent*: backups + retries the reference sent (its own counters), per call; *extra served*: "
                + "attempts the providers ran beyond one per call (a backup's loser cancelled while still queued is never run). "
                + "*p99 / healthy p99*: against the healthy %s row without backups. Worst lag of the sender behind its schedule "
                + "in any run: %.1f ms.%n%n", TARGET_BALANCER, rows.values().stream().mapToDouble(Result::lagMaxMs).max().orElse(0)));
        md.append(String.format(Locale.ROOT, "**Target** (%s with backups at %s: p99 <= %.1fx the healthy p99 of %.2f ms, extra <= %.0f%%):%n%n",
                TARGET_BALANCER, s.backup(), MAX_P99_RATIO, healthy.p99(), 100 * MAX_EXTRA));
        for (Scenario sc : List.of(Scenario.SPIKES, Scenario.SLOW3X)) {
            Result r = rows.get(new Row(sc, TARGET_BALANCER, s.backup()));
            Result without = rows.get(new Row(sc, TARGET_BALANCER, "off"));
            if (r == null || without == null) {
                continue;
            }
            boolean met = r.p99() <= MAX_P99_RATIO * healthy.p99() && r.extraSent() <= MAX_EXTRA;
            md.append(String.format(Locale.ROOT, "- %s (%s): p99 %.2f ms = %.2fx healthy, extra %.1f%% -> **%s** "
                            + "(without backups: p99 %.2f ms = %.2fx; worst row: %s).%n",
                    sc.label, sc.description, r.p99(), r.p99() / healthy.p99(), 100 * r.extraSent(), met ? "met" : "missed",
                    without.p99(), without.p99() / healthy.p99(), describe(worst(rows, sc), rows.get(worst(rows, sc)), healthy)));
        }
        return md.toString();
    }

    private static String describe(Row row, Result r, Result healthy) {
        return String.format(Locale.ROOT, "%s, backup %s, p99 %.2f ms = %.2fx", row.balancer(), row.backup(), r.p99(), r.p99() / healthy.p99());
    }

    /** The row of {@code scenario} with the highest p99. */
    static Row worst(Map<Row, Result> rows, Scenario scenario) {
        return rows.entrySet().stream().filter(e -> e.getKey().scenario() == scenario)
                .max(Comparator.comparingDouble(e -> e.getValue().p99())).orElseThrow().getKey();
    }

    /** One panel per scenario: healthy p2c, the scenario's p2c without and with backups, and its worst row (runs merged). */
    static void plot(Path png, Settings s, Map<Row, Result> rows) throws IOException {
        List<LatencyPlot.Panel> panels = new ArrayList<>();
        for (Scenario sc : List.of(Scenario.SPIKES, Scenario.SLOW3X)) {
            Map<String, Histogram> lines = new LinkedHashMap<>();
            lines.put("healthy, p2c", rows.get(new Row(Scenario.HEALTHY, TARGET_BALANCER, "off")).histogram());
            Row without = new Row(sc, TARGET_BALANCER, "off");
            Row with = new Row(sc, TARGET_BALANCER, s.backup());
            if (rows.containsKey(without) && rows.containsKey(with)) {
                lines.put("p2c, no backup", rows.get(without).histogram());
                lines.put("p2c, backup " + s.backup(), rows.get(with).histogram());
            }
            Row worst = worst(rows, sc);
            lines.putIfAbsent("worst: " + worst.balancer() + ", backup " + worst.backup(), rows.get(worst).histogram());
            panels.add(new LatencyPlot.Panel("Scenario " + sc.label + " (" + sc.description + ")", lines));
        }
        LatencyPlot.write(png, String.format(Locale.ROOT, "Tern cluster: latency by percentile with a slow provider, %d providers, %.0f calls/s open loop",
                        s.providers(), s.rate()),
                String.format(Locale.ROOT, "base service time %.1f ms; %d runs of %.0f s merged per line; latency from the intended send time. %s",
                        s.baseMs(), s.runs(), s.measure(), s.label()), panels);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
