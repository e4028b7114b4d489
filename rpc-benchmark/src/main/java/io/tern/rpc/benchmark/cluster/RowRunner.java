package io.tern.rpc.benchmark.cluster;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.TernClient;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Arrays;

/**
 * Runs one row once: a fresh service group on every provider (so a fresh reference, provider state and retry
 * budget), the scenario switched on, warm-up, then the measured window at the fixed rate.
 */
final class RowRunner {
    /** A row of the table: the fleet's scenario, the balancer's name, the backup policy ({@code off} or e.g. {@code p95}). */
    record Row(Scenario scenario, String balancer, String backup) {
        boolean backups() {
            return !backup.equals("off");
        }
    }

    /**
     * One run's figures. Latencies in ms; {@code extraSent}: backups + retries the reference sent, per call;
     * {@code extraServed}: attempts the providers ran beyond one per call, per call; {@code slowShare}: the slow
     * provider's share of the attempts run; {@code lagMaxMs}: the sender's worst lag behind schedule.
     */
    record Result(double p50, double p99, double p999, double extraSent, double extraServed, double slowShare, long errors,
                  double callsPerSecond, double lagMaxMs, Histogram histogram) {
    }

    private final Fleet fleet;
    private final TernClient client;
    private final double rate;
    private final long warmupNanos;
    private final long measureNanos;
    private final Duration timeout;

    RowRunner(Fleet fleet, TernClient client, double rate, double warmupSeconds, double measureSeconds, Duration timeout) {
        this.fleet = fleet;
        this.client = client;
        this.rate = rate;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.measureNanos = (long) (measureSeconds * 1e9);
        this.timeout = timeout;
    }

    Result run(Row row) {
        String group = fleet.exportNewGroup();
        fleet.scenario(row.scenario());
        Reference<TailService> reference = Reference.to(TailService.class).group(group).loadBalance(row.balancer())
                .backupRequest(row.backup()).timeout(timeout).warmup(Duration.ZERO);
        TailService service = client.refer(reference);
        long[] extraAtStart = new long[1];
        OpenLoop.Window w = OpenLoop.run(service, rate, warmupNanos, measureNanos, timeout.toNanos() + 1_000_000_000L, firstKey -> {
            fleet.countFrom(firstKey);
            extraAtStart[0] = extraSent(reference.serviceKey());
        });
        long[] served = fleet.served();
        long total = java.util.stream.LongStream.of(served).sum();
        long calls = Math.max(1, w.calls());
        Histogram h = w.histogram();
        return new Result(h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6,
                (extraSent(reference.serviceKey()) - extraAtStart[0]) / (double) calls, (total - w.calls()) / (double) calls,
                served[served.length - 1] / (double) Math.max(1, total), w.errors(), w.calls() / (measureNanos / 1e9),
                w.senderLagMaxNanos() / 1e6, h);
    }

    /** Backups plus retries the reference to {@code serviceKey} has sent (the cluster layer's own counters). */
    private long extraSent(String serviceKey) {
        return client.views().stream().filter(v -> v.serviceKey().equals(serviceKey))
                .mapToLong(v -> v.backupsSent() + v.retriesSent()).sum();
    }

    /** The median of each figure over the runs (each on its own, as the project's other benchmarks do); histograms merged. */
    static Result median(java.util.List<Result> runs) {
        Histogram all = new Histogram(60_000_000_000L, 3);
        runs.forEach(r -> all.add(r.histogram()));
        return new Result(med(runs, Result::p50), med(runs, Result::p99), med(runs, Result::p999), med(runs, Result::extraSent),
                med(runs, Result::extraServed), med(runs, Result::slowShare), runs.stream().mapToLong(Result::errors).sum(),
                med(runs, Result::callsPerSecond), runs.stream().mapToDouble(Result::lagMaxMs).max().orElse(0), all);
    }

    private static double med(java.util.List<Result> runs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = runs.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
