package io.tern.rpc.benchmark.conns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connection-count benchmark (issue 16), the driver: starts the node processes, runs both sides' scenarios and
 * writes the Markdown report ({@link ConnsReport}). This JVM only orchestrates; every figure is taken in a node.
 * <ul>
 *   <li>provider side: one {@link ProviderNode} (one TransportServer); a {@link ConsumerNode} whose one connection
 *   is timed; {@code --idlers} {@link IdlerNode} processes open {@code --idle} consumer connections to it.</li>
 *   <li>consumer side: the {@link ConsumerNode} under test holds one connection to each of {@code --providers}
 *   TransportServers ({@code --farms} ProviderNode processes), and its one active connection to another provider.</li>
 * </ul>
 * Memory is measured in the process under test after forced full GCs, before the idle connections open and after they
 * have been open and idle for {@code --idle-seconds} (past the heartbeat interval, so every one has sent its PING).
 *
 * <pre>
 * --sides provider,consumer --idle 10000 --idlers 4 --providers 1000 --farms 4 --idle-seconds 12
 * --warmup 5 --measure 8 --concurrency 1,32 --histogram true --timeout 600 --label TEXT --out bench/results/conns-latest.md
 * --node-jvm "-Xms1g -Xmx1g -XX:+AlwaysPreTouch" (the process under test and the timed consumer)
 * --helper-jvm "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" (idlers and provider farms)
 * </pre>
 */
public final class ConnsBench {
    private final Map<String, String> opts = new HashMap<>();

    private ConnsBench(String[] args) {
        String[] defaults = {"sides", "provider,consumer", "idle", "10000", "idlers", "4", "providers", "1000", "farms", "4",
            "idle-seconds", "12", "warmup", "5", "measure", "8", "concurrency", "1,32", "histogram", "true", "timeout", "600"};
        for (int i = 0; i < defaults.length; i += 2) {
            opts.put(defaults[i], defaults[i + 1]);
        }
        opts.put("node-jvm", "-Xms1g -Xmx1g -XX:+AlwaysPreTouch");
        opts.put("helper-jvm", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        opts.put("out", "bench/results/conns-latest.md");
        opts.put("label", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
    }

    @SuppressWarnings("java:S106") // a command-line tool: the report goes to stdout
    public static void main(String[] args) throws Exception {
        ConnsBench bench = new ConnsBench(args);
        watchdog(bench.num("timeout"));
        List<SideResult> results = new ArrayList<>();
        String sides = bench.opts.get("sides");
        long start = System.nanoTime();
        if (sides.contains("provider")) {
            results.add(bench.providerSide());
        }
        if (sides.contains("consumer")) {
            results.add(bench.consumerSide());
        }
        String md = ConnsReport.markdown(bench.opts, results, (System.nanoTime() - start) / 1e9);
        System.out.println(md);
        Path out = Path.of(bench.opts.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.exit(0);
    }

    private SideResult providerSide() throws Exception {
        int idle = num("idle");
        int idlers = num("idlers");
        List<String> notes = new ArrayList<>();
        try (ChildJvm provider = new ChildJvm("provider", jvm("node-jvm"), ProviderNode.class, "1", "0");
             ChildJvm consumer = new ChildJvm("consumer", jvm("node-jvm"), ConsumerNode.class)) {
            String port = provider.expect("PORTS ");
            notes.add("allocator: " + provider.ask("ALLOCATOR", "ALLOCATOR "));
            consumer.expect("STARTED");
            consumer.ask("ACTIVE " + port, "ACTIVE");
            progress("provider side: timing the active connection alone");
            Map<Integer, double[]> without = loads(consumer);
            Measured m = new Measured(provider);
            progress("provider side: opening " + idle + " idle connections");
            List<ChildJvm> helpers = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                for (int i = 0; i < idlers; i++) {
                    int share = idle / idlers + (i < idle % idlers ? 1 : 0);
                    helpers.add(new ChildJvm("idler-" + i, jvm("helper-jvm"), IdlerNode.class, port, String.valueOf(share)));
                }
                for (ChildJvm idler : helpers) {
                    idler.expect("READY ");
                }
                awaitCount(provider, "CONNS", idle + 1, true);
                notes.add(String.format("%d idle connections READY in %.1f s (%d idler processes)", idle, (System.nanoTime() - t0) / 1e9, idlers));
                progress("provider side: all open; idle for " + num("idle-seconds") + " s, then measuring");
                m.idleThenMeasure(num("idle-seconds"));
                notes.add("provider connections after the idle period: " + provider.ask("CONNS", "CONNS "));
                Map<Integer, double[]> with = loads(consumer);
                notes.add("provider connections after the loaded runs: " + provider.ask("CONNS", "CONNS "));
                progress("provider side: closing the idle connections, timing the active one alone again");
                helpers.forEach(ChildJvm::close);
                helpers.clear();
                awaitCount(provider, "CONNS", 1, false);
                Map<Integer, double[]> again = loads(consumer);
                return m.result("Provider side: one provider, " + idle + " idle consumer connections", "provider (1 TransportServer)",
                        idle, without, with, again, notes);
            } finally {
                helpers.forEach(ChildJvm::close);
            }
        }
    }

    private SideResult consumerSide() throws Exception {
        int providers = num("providers");
        int farms = num("farms");
        List<String> notes = new ArrayList<>();
        List<ChildJvm> helpers = new ArrayList<>();
        long farmStart = System.nanoTime();
        try (ChildJvm provider = new ChildJvm("provider", jvm("node-jvm"), ProviderNode.class, "1", "0");
             ChildJvm consumer = new ChildJvm("consumer", jvm("node-jvm"), ConsumerNode.class)) {
            for (int i = 0; i < farms; i++) {
                int share = providers / farms + (i < providers % farms ? 1 : 0);
                helpers.add(new ChildJvm("farm-" + i, jvm("helper-jvm"), ProviderNode.class, String.valueOf(share), "1"));
            }
            String port = provider.expect("PORTS ");
            consumer.expect("STARTED");
            notes.add("allocator: " + consumer.ask("ALLOCATOR", "ALLOCATOR "));
            consumer.ask("ACTIVE " + port, "ACTIVE");
            List<String> farmPorts = new ArrayList<>();
            for (ChildJvm farm : helpers) {
                farmPorts.add(farm.expect("PORTS "));
            }
            notes.add(String.format("%d TransportServers (one I/O thread each) listening %.1f s after their %d JVMs were started",
                    providers, (System.nanoTime() - farmStart) / 1e9, farms));
            progress("consumer side: timing the active connection alone");
            Map<Integer, double[]> without = loads(consumer);
            Measured m = new Measured(consumer);
            progress("consumer side: opening " + providers + " provider connections");
            long t0 = System.nanoTime();
            String opened = "0";
            for (String ports : farmPorts) {
                opened = consumer.ask("OPEN " + ports, "OPENED ");
            }
            notes.add(String.format("%s provider connections READY in %.1f s (%d TransportServers in %d processes)",
                    opened, (System.nanoTime() - t0) / 1e9, providers, farms));
            progress("consumer side: all open; idle for " + num("idle-seconds") + " s, then measuring");
            m.idleThenMeasure(num("idle-seconds"));
            notes.add("consumer connections READY after the idle period: " + consumer.ask("READY", "READY "));
            Map<Integer, double[]> with = loads(consumer);
            notes.add("consumer connections READY after the loaded runs: " + consumer.ask("READY", "READY "));
            progress("consumer side: closing the provider connections, timing the active one alone again");
            consumer.ask("CLOSE", "CLOSED");
            Map<Integer, double[]> again = loads(consumer);
            return m.result("Consumer side: one consumer, " + providers + " provider connections", "consumer (1 TransportClient)",
                    providers, without, with, again, notes);
        } finally {
            helpers.forEach(ChildJvm::close);
        }
    }

    /** The memory of the process under test before and after its idle connections, and its heap histograms. */
    private final class Measured {
        private final ChildJvm node;
        private final MemorySnapshot before;
        private final ClassHistogram histogramBefore;
        private MemorySnapshot after;
        private ClassHistogram histogramAfter;

        Measured(ChildJvm node) throws IOException, InterruptedException {
            this.node = node;
            this.before = MemorySnapshot.parse(node.ask("MEM", "MEM "));
            this.histogramBefore = Boolean.parseBoolean(opts.get("histogram")) ? ClassHistogram.of(node.pid()) : null;
        }

        void idleThenMeasure(int idleSeconds) throws IOException, InterruptedException {
            Thread.sleep(idleSeconds * 1000L); // the idle period itself is what is measured: nothing to poll for
            after = MemorySnapshot.parse(node.ask("MEM", "MEM "));
            histogramAfter = Boolean.parseBoolean(opts.get("histogram")) ? ClassHistogram.of(node.pid()) : null;
        }

        SideResult result(String title, String process, int connections, Map<Integer, double[]> without,
                          Map<Integer, double[]> with, Map<Integer, double[]> again, List<String> notes) {
            boolean h = histogramBefore != null;
            return new SideResult(title, process, connections, before, after,
                    h ? histogramAfter.growthSince(histogramBefore, 15) : List.of(),
                    h ? histogramAfter.totalBytes() - histogramBefore.totalBytes() : 0, without, with, again, notes);
        }
    }

    /** A warm-up at the highest C, then each C for the measured time. */
    private Map<Integer, double[]> loads(ChildJvm consumer) throws IOException {
        int[] cs = Arrays.stream(opts.get("concurrency").split(",")).mapToInt(Integer::parseInt).toArray();
        consumer.ask("LOAD " + Arrays.stream(cs).max().orElse(1) + " " + opts.get("warmup"), "LOAD ");
        Map<Integer, double[]> byC = new LinkedHashMap<>();
        for (int c : cs) {
            byC.put(c, SideResult.parseLoad(consumer.ask("LOAD " + c + " " + opts.get("measure"), "LOAD ")));
        }
        return byC;
    }

    /** Polls {@code command} until its count reaches {@code expected} ({@code up}: at least, else: at most). */
    private static void awaitCount(ChildJvm node, String command, int expected, boolean up) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int n;
        while (up ? (n = Integer.parseInt(node.ask(command, command + " "))) < expected
                : (n = Integer.parseInt(node.ask(command, command + " "))) > expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(command + " is " + n + ", expected " + expected + " within 60 s");
            }
            Thread.sleep(50);
        }
    }

    @SuppressWarnings("java:S106")
    private static void progress(String what) {
        System.err.printf("%tT [conns] %s%n", System.currentTimeMillis(), what);
    }

    /** Ends a run that hangs (a node that stopped answering): the shutdown hooks then kill every node. */
    private static void watchdog(int seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000L);
                System.err.println("ConnsBench: not done after --timeout " + seconds + " s; giving up");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "conns-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private int num(String key) {
        return Integer.parseInt(opts.get(key));
    }

    private List<String> jvm(String key) {
        return Arrays.stream(opts.get(key).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
