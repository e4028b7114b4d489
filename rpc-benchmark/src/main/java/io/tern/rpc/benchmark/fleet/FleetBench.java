package io.tern.rpc.benchmark.fleet;

import ch.qos.logback.classic.Level;
import io.tern.rpc.registry.RegistryConfig;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Issue 16: a simulated fleet on a real 3-server ZooKeeper ensemble. Provider processes register R registrations
 * over S services through the project's registry; C consumers, each its own registry session, watch W services each;
 * then every provider process restarts, a batch at a time. Measures how long each registration change takes to
 * reach every watching consumer's listener, ZooKeeper's request and watch counts, and the consumers' CPU.
 *
 * <pre>
 * java -cp ... io.tern.rpc.benchmark.fleet.FleetBench [--registrations 1000] [--services 50] [--per-process 1]
 *     [--consumers 200] [--watch 10] [--batch 20] [--interval-ms 1000] [--down-ms 500] [--restart session|node]
 *     [--idle-s 5] [--out bench/results/fleet-latest.md] [--label text]
 * </pre>
 */
public final class FleetBench {
    private FleetBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        quietRegistryLogs();
        FleetLayout layout = new FleetLayout(num(a, "registrations", 1000), num(a, "services", 50), num(a, "per-process", 1));
        FleetRun run = new FleetRun(layout, num(a, "consumers", 200), num(a, "watch", 10), num(a, "batch", 20),
                num(a, "interval-ms", 1000), num(a, "down-ms", 500), !"node".equals(a.getOrDefault("restart", "session")));
        int idleSeconds = num(a, "idle-s", 5);
        ThreadGroup servers = new ThreadGroup("zk-servers");
        Ensemble ensemble = new Ensemble(3);
        long t0 = System.nanoTime();
        Groups.forEach(servers, 1, 1, i -> {
            try {
                ensemble.start();
            } catch (Exception e) {
                throw new IllegalStateException("ZooKeeper ensemble did not start", e);
            }
        });
        run.note("ensemble: 3 servers (%s) started in %.1f s", ensemble.connectString(), (System.nanoTime() - t0) / 1e9);
        RegistryConfig config = RegistryConfig.of("zookeeper://" + ensemble.connectString()).withConnectTimeout(java.time.Duration.ofSeconds(30));
        ConsumerFleet consumers = new ConsumerFleet(run.consumers, run.watch, layout.services);
        int watchers = consumers.watchersPerService();
        ProviderFleet providers = new ProviderFleet(layout, config, run.restartSession);
        try {
            t0 = System.nanoTime();
            consumers.start(config);
            run.note("%d consumers connected and subscribed (%d subscriptions) in %.1f s", run.consumers, run.consumers * run.watch,
                    (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            providers.connect();
            run.note("%d provider processes connected in %.1f s", layout.processes(), (System.nanoTime() - t0) / 1e9);

            run.initial = new ChangeTracker(watchers);
            consumers.track(run.initial);
            providers.track(run.initial);
            t0 = System.nanoTime();
            providers.registerAll(16);
            run.note("%d registrations made (16 processes at a time) in %.1f s", layout.registrations, (System.nanoTime() - t0) / 1e9);
            await("every consumer to see the initial registrations", 60, run.initial::allSeen);

            List<Map<String, Double>> idleStart = ensemble.mntr();
            pause(idleSeconds);
            List<Map<String, Double>> idleEnd = ensemble.mntr();
            run.idle(idleStart, idleEnd, idleSeconds);
            run.watches(ensemble.wchs());

            run.restart = new ChangeTracker(watchers);
            consumers.track(run.restart);
            providers.track(run.restart);
            ThreadCpu.Snapshot consumerCpu = ThreadCpu.take(consumers.threadGroup());
            ThreadCpu.Snapshot providerCpu = ThreadCpu.take(providers.threadGroup());
            ThreadCpu.Snapshot serverCpu = ThreadCpu.take(servers);
            long notificationsBefore = consumers.notifications();
            OpCounter.Snapshot consumerOps = consumers.ops().snapshot();
            OpCounter.Snapshot providerOps = providers.ops().snapshot();
            List<Map<String, Double>> before = ensemble.mntr();
            long start = System.nanoTime();
            providers.rollingRestart(run.batch, run.intervalMillis, run.downMillis);
            long restarted = System.nanoTime();
            await("every consumer to see every restart", 60, run.restart::allSeen);
            long end = System.nanoTime();
            List<Map<String, Double>> after = ensemble.mntr();
            run.ops(OpCounter.between(consumerOps, consumers.ops().snapshot()), OpCounter.between(providerOps, providers.ops().snapshot()));
            run.watchesAfter(ensemble.wchs());
            run.restartWindow((restarted - start) / 1e9, (end - start) / 1e9, before, after,
                    consumers.notifications() - notificationsBefore,
                    ThreadCpu.between(consumerCpu, ThreadCpu.take(consumers.threadGroup())),
                    ThreadCpu.between(providerCpu, ThreadCpu.take(providers.threadGroup())),
                    ThreadCpu.between(serverCpu, ThreadCpu.take(servers)));
        } finally {
            consumers.close();
            providers.close();
            ensemble.close();
        }
        String report = new FleetReport(run, watchers, consumers.consumersPerProcess(layout), a.getOrDefault("label", "")).markdown();
        Path out = Path.of(a.getOrDefault("out", "bench/results/fleet-latest.md"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        System.out.println(report);
        System.exit(0); // ZooKeeper servers leave non-daemon threads behind
    }

    /** The registry logs every session's connection (and a warning about open ACLs): 1,200 sessions would flood the output. */
    private static void quietRegistryLogs() {
        for (String name : List.of("io.tern.rpc.registry", "org.apache.zookeeper", "org.apache.curator")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.ERROR);
        }
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A measurement window of fixed length (not a wait for a condition). */
    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            a.put(argv[i].substring(2), argv[i + 1]);
        }
        return a;
    }

    private static int num(Map<String, String> a, String key, int dflt) {
        return a.containsKey(key) ? Integer.parseInt(a.get(key)) : dflt;
    }
}
