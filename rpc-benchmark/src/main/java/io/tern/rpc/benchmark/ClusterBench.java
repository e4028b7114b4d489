package io.tern.rpc.benchmark;

import io.tern.rpc.Idempotent;
import io.tern.rpc.cluster.Endpoint;
import io.tern.rpc.cluster.Invocation;
import io.tern.rpc.cluster.LoadBalancer;
import io.tern.rpc.cluster.LoadBalancers;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Cluster-layer scenarios on loopback: three providers in this JVM, a closed loop of callers, HdrHistogram
 * percentiles, medians of several runs. Prints a Markdown table.
 *
 * <ul>
 *   <li>slow node: one provider answers 5% of calls 200 ms late; round-robin vs p2c.</li>
 *   <li>random slowness: every provider answers 5% of calls 200 ms late; no backups vs 30 ms vs p90 backups
 *   (with the extra-request ratio), against a healthy baseline.</li>
 * </ul>
 * Usage: {@code ClusterBench [seconds-per-run=8] [runs=3] [threads=8]}.
 */
public final class ClusterBench {

    public interface Svc {
        @Idempotent
        String get(int key);
    }

    static final class Provider implements Svc {
        final String name;
        final AtomicLong served = new AtomicLong();
        volatile double slowRatio;

        Provider(String name) {
            this.name = name;
        }

        @Override
        public String get(int key) {
            served.incrementAndGet();
            if (slowRatio > 0 && ThreadLocalRandom.current().nextDouble() < slowRatio) {
                LockSupport.parkNanos(200_000_000L); // the injected slow answer
            }
            return name;
        }
    }

    /** Counts selections (one per attempt) to measure extra requests. */
    static final class Counting implements LoadBalancer {
        final LoadBalancer delegate;
        final AtomicLong attempts = new AtomicLong();

        Counting(LoadBalancer delegate) {
            this.delegate = delegate;
        }

        @Override
        public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
            attempts.incrementAndGet();
            return delegate.select(candidates, invocation);
        }
    }

    record Result(double p50, double p99, double p999, double extra, double slowShare, double throughput) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        List<Provider> providers = List.of(new Provider("a"), new Provider("b"), new Provider("c"));
        List<TernServer> servers = new ArrayList<>();
        StringBuilder direct = new StringBuilder("direct://");
        for (Provider p : providers) {
            TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(64).build(),
                    RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
            for (String group : List.of("rr", "p2c", "healthy", "none", "fixed", "pct")) {
                s.export(ServiceExport.of(Svc.class, p).group(group));
            }
            s.start();
            servers.add(s);
            direct.append(direct.length() > 9 ? "," : "").append("127.0.0.1:").append(s.port());
        }
        try (TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(direct.toString()))) {
            System.out.printf(Locale.ROOT, "# Cluster scenarios: 3 providers on loopback, %d callers, %d s per run, median of %d runs%n%n",
                    threads, seconds, runs);
            System.out.println("| scenario | p50 ms | p99 ms | p99.9 ms | extra requests | slow provider's share | calls/s |");
            System.out.println("|---|---|---|---|---|---|---|");

            providers.get(2).slowRatio = 0.05;
            row("slow node, round-robin", median(runs, () -> run(client, "rr", "round-robin", "off", providers, seconds, threads)));
            row("slow node, p2c (default)", median(runs, () -> run(client, "p2c", "p2c", "off", providers, seconds, threads)));

            providers.forEach(p -> p.slowRatio = 0);
            row("healthy, p2c", median(runs, () -> run(client, "healthy", "p2c", "off", providers, seconds, threads)));
            providers.forEach(p -> p.slowRatio = 0.05);
            row("5% slow everywhere, no backup", median(runs, () -> run(client, "none", "p2c", "off", providers, seconds, threads)));
            row("5% slow everywhere, backup after 30ms", median(runs, () -> run(client, "fixed", "p2c", "30ms", providers, seconds, threads)));
            row("5% slow everywhere, backup after p90", median(runs, () -> run(client, "pct", "p2c", "p90", providers, seconds, threads)));
        } finally {
            servers.forEach(TernServer::close);
        }
    }

    interface Run {
        Result get() throws Exception;
    }

    static Result run(TernClient client, String group, String lb, String backup, List<Provider> providers, int seconds, int threads)
            throws Exception {
        Counting counting = new Counting(LoadBalancers.byName(lb, 0));
        Svc svc = client.refer(Reference.to(Svc.class).group(group).loadBalancer(counting).backupRequest(backup)
                .timeout(Duration.ofSeconds(5)).warmup(Duration.ZERO).retryBudget(0.1, 10));
        for (int i = 0; i < 2000; i++) {
            svc.get(i); // warm-up: JIT, connections, latency history for percentile backups
        }
        counting.attempts.set(0);
        providers.forEach(p -> p.served.set(0));
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        AtomicLong calls = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                Histogram local = new Histogram(60_000_000_000L, 3);
                int i = 0;
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    svc.get(i++);
                    local.recordValue(System.nanoTime() - start);
                    calls.incrementAndGet();
                }
                synchronized (histogram) {
                    histogram.add(local);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long served = providers.stream().mapToLong(p -> p.served.get()).sum();
        return new Result(histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6, (counting.attempts.get() - calls.get()) / (double) calls.get(),
                providers.get(2).served.get() / (double) Math.max(1, served), calls.get() / (double) seconds);
    }

    static Result median(int runs, Run run) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            results.add(run.get());
        }
        return new Result(med(results, Result::p50), med(results, Result::p99), med(results, Result::p999), med(results, Result::extra),
                med(results, Result::slowShare), med(results, Result::throughput));
    }

    static double med(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = results.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    static void row(String name, Result r) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.1f | %.1f%% | %.1f%% | %.0f |%n", name, r.p50, r.p99, r.p999, 100 * r.extra,
                100 * r.slowShare, r.throughput);
    }
}
