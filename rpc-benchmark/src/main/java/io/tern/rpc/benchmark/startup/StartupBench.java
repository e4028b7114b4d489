package io.tern.rpc.benchmark.startup;

import io.tern.demo.UserService;
import io.tern.rpc.cluster.ProviderView;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.ReferenceView;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 16, start-up: how long from starting the demo provider's JVM to the first call it serves, and from its
 * registration node appearing to the first call an already-running consumer makes to it. The harness runs a ZooKeeper
 * (Curator TestingServer) and one Tern consumer of {@link UserService} for the whole session; each run starts the
 * demo-provider fat jar as a real process under a new name and port, and the consumer calls {@code whoAreYou()} in a
 * polling loop (short timeout, no retries) until that provider answers with its name; then the provider is stopped
 * with SIGTERM. A first warm-up run (its consumer side is cold) is reported but left out of the medians.
 *
 * <pre>
 * java -cp ... io.tern.rpc.benchmark.startup.StartupBench --jar demo-provider/target/demo-provider-....jar [--runs 5]
 *     [--warmup-runs 1] [--poll-ms 2] [--call-timeout-ms 1000] [--provider-jvm "-Xms32m -Xmx256m ..."]
 *     [--out bench/results/startup-latest.md] [--label text]
 * </pre>
 */
public final class StartupBench {
    /** demo.sh's provider JVM options. */
    static final String DEMO_JVM = "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k";

    private StartupBench() {
    }

    /** One start: milliseconds from the spawn (or node creation) to each point; Spring Boot's own figures in seconds. */
    record Run(int index, boolean warmup, double toCreated, double toSeen, double toFirstCall, double seenToCall,
               double createdToCall, double seenToListed, double seenToConnected, double callMillis, int failedAfterConnect,
               double springStartedIn, double springRunningFor) {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Path jar = Path.of(a.getOrDefault("jar", ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar must name the demo-provider fat jar, was '" + jar + "'");
        }
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        int warmups = Integer.parseInt(a.getOrDefault("warmup-runs", "1"));
        long pollNanos = Long.parseLong(a.getOrDefault("poll-ms", "2")) * 1_000_000L;
        Duration callTimeout = Duration.ofMillis(Long.parseLong(a.getOrDefault("call-timeout-ms", "1000")));
        List<String> jvm = Arrays.asList(a.getOrDefault("provider-jvm", DEMO_JVM).trim().split("\\s+"));
        Path logs = Files.createTempDirectory("tern-startup");

        List<Run> results = new ArrayList<>();
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        try (TestingServer zk = new TestingServer(spec, true);
             NodeWatch watch = new NodeWatch(zk.getConnectString(), "/tern/" + UserService.class.getName() + "/providers");
             TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of("zookeeper://" + zk.getConnectString()))) {
            UserService users = client.refer(Reference.to(UserService.class).timeout(callTimeout).retries(0));
            for (int i = 0; i < warmups + runs; i++) {
                Run run = once(i, i < warmups, jar, jvm, zk.getConnectString(), logs, watch, client, users, pollNanos);
                results.add(run);
                System.err.printf("[startup] run %d%s: spawn -> first call %.0f ms, node seen -> first call %.1f ms%n", i,
                        run.warmup() ? " (warm-up)" : "", run.toFirstCall(), run.seenToCall());
            }
        }
        String report = new StartupReport(results, String.join(" ", jvm), callTimeout, pollNanos, a.getOrDefault("label", "")).markdown();
        Path out = Path.of(a.getOrDefault("out", "bench/results/startup-latest.md"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        System.out.println(report);
        System.exit(0); // the TestingServer may leave non-daemon threads behind
    }

    private static Run once(int index, boolean warmup, Path jar, List<String> jvm, String zooKeeper, Path logs, NodeWatch watch,
                            TernClient client, UserService users, long pollNanos) throws Exception {
        int port = freePort();
        String address = "127.0.0.1:" + port;
        String name = "startup-" + index;
        long startMillis = System.currentTimeMillis();
        Run partial;
        ProviderProcess stopped;
        try (ProviderProcess provider = ProviderProcess.start(jar, jvm, zooKeeper, port, name, logs.resolve(name + ".log"))) {
            long deadline = provider.startNanos() + 180_000_000_000L;
            RuntimeException last = null;
            long calledNanos;
            long calledMillis;
            long callStart;
            long[] listedConnected = new long[2];
            int failedAfterConnect = 0;
            while (true) {
                if (listedConnected[1] == 0) {
                    consumerSees(client, address, listedConnected);
                }
                callStart = System.nanoTime();
                try {
                    if (name.equals(users.whoAreYou())) {
                        calledNanos = System.nanoTime();
                        calledMillis = System.currentTimeMillis();
                        break;
                    }
                } catch (RuntimeException e) {
                    last = e; // no provider listed yet, or not connected yet: poll again
                    failedAfterConnect += listedConnected[1] != 0 ? 1 : 0;
                }
                if (!provider.isAlive()) {
                    throw new IllegalStateException("provider " + name + " exited before serving a call:\n" + provider.tail());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("provider " + name + " served no call within 180 s (last error: " + last + "):\n"
                            + provider.tail());
                }
                LockSupport.parkNanos(pollNanos); // the polling interval of the consumer's loop
            }
            NodeWatch.Seen seen = watch.seen(address);
            if (seen == null) {
                throw new IllegalStateException("a call reached " + name + " but the harness never saw its registry node");
            }
            long start = provider.startNanos();
            partial = new Run(index, warmup, seen.ctimeMillis() - startMillis, (seen.seenNanos() - start) / 1e6, (calledNanos - start) / 1e6,
                    (calledNanos - seen.seenNanos()) / 1e6, calledMillis - seen.ctimeMillis(), since(seen.seenNanos(), listedConnected[0]),
                    since(seen.seenNanos(), listedConnected[1]), (calledNanos - callStart) / 1e6, failedAfterConnect, Double.NaN, Double.NaN);
            stopped = provider;
        }
        // read once the provider has exited: its first call can come before Spring Boot logs "Started" (the provider
        // registers while the context is still refreshing)
        double[] spring = stopped.springStarted();
        return spring == null ? partial : new Run(partial.index(), partial.warmup(), partial.toCreated(), partial.toSeen(),
                partial.toFirstCall(), partial.seenToCall(), partial.createdToCall(), partial.seenToListed(), partial.seenToConnected(),
                partial.callMillis(), partial.failedAfterConnect(), spring[0], spring[1]);
    }

    /** Notes when the consumer's directory first lists the provider ([0]) and first has it connected ([1]). */
    private static void consumerSees(TernClient client, String address, long[] listedConnected) {
        for (ReferenceView view : client.views()) {
            for (ProviderView p : view.providers()) {
                if (p.address().equals(address)) {
                    long now = System.nanoTime();
                    if (listedConnected[0] == 0) {
                        listedConnected[0] = now;
                    }
                    if (p.connected() && listedConnected[1] == 0) {
                        listedConnected[1] = now;
                    }
                }
            }
        }
    }

    private static double since(long fromNanos, long toNanos) {
        return toNanos == 0 ? Double.NaN : (toNanos - fromNanos) / 1e6;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
