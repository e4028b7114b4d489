package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.Payloads;
import io.tern.rpc.benchmark.model.SmallPojo;
import io.tern.rpc.benchmark.model.WireSamples;
import io.tern.rpc.protocol.serialize.Serializers;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * End-to-end load generator (issue 6). This JVM is the consumer; for every mode and repeat it starts a fresh
 * provider JVM ({@link ProviderMain}, same class path) on 127.0.0.1, drives a closed loop with C async calls in
 * flight (warm-up, then a measured window), and reads throughput and latency percentiles from HdrHistogram and
 * CPU time / allocated bytes / GCs from both processes. Modes: {@code raw-netty} (the ceiling: the same Tern frame
 * bytes echoed by plain Netty), {@code tern-default} (EXECUTOR mode), {@code tern-direct} (DIRECT mode) and
 * {@code tern-observed} (tern-default with Micrometer Observations on both sides, metrics only; {@code tern-observed-nop}: with a handler that does nothing; {@code tern-observed-nolt}: the meter handler without its LongTaskTimer; {@code tern-observed-default}: Micrometer's default meter handler; see {@link Observed}),
 * all Protostuff. Calls: {@code echo} ({@code echo(String)}) and {@code pojo} (a ~150-byte POJO echoed).
 *
 * <p>Peers (issue 16, {@link Peers}), measured by the same loop against the same provider implementation:
 * {@code grpc} (grpc-java 1.85.1, grpc-netty-shaded, one plaintext channel, default server and channel executors),
 * {@code grpc-direct} (the same with {@code directExecutor()} on server and channel), both with hand-written unary
 * method descriptors whose marshallers carry Tern's own Protostuff bytes ({@link GrpcEchoMethods}), and
 * {@code dubbo} (Apache Dubbo 3.3.6, dubbo protocol, API config, direct URL, no registry, Dubbo's defaults: Hessian2,
 * 200 fixed server threads, one shared connection; {@link DubboEchoServer}, {@link DubboLoad}). All peers run on
 * this class path: gRPC brings its own shaded Netty, Dubbo runs on Tern's Netty 4.2.
 *
 * <p>Prints one Markdown table (medians of the repeats; every Tern row also as a ratio to the ceiling at the same
 * call and C), writes it with the machine facts to {@code --out}, one percentile distribution per row to
 * {@code --hgrm-dir}, and a latency-by-percentile plot to {@code --png}.
 *
 * <p>Over 250 lines: a command-line tool whose option parsing, process handling and report are read top to bottom
 * (its load loops are {@link TernLoad}, {@link RawNettyLoad}, {@link GrpcLoad} and {@link DubboLoad}).
 *
 * <pre>
 * --warmup S (5) --measure S (10) --jvm-warmup S (= warmup; per fresh provider, both calls at C=32) --repeats N (3) --concurrency 1,32,128 --calls echo,pojo
 * --modes raw-netty,tern-default,tern-direct[,tern-gzip (tern-default with gzip over 1 KiB both ways),tern-observed,tern-observed-nop,tern-observed-nolt,tern-observed-default,grpc,grpc-direct,dubbo] --provider-jvm "-Xms512m -Xmx512m" --label TEXT
 * --out bench/results/e2e-latest.md --png bench/results/latency-latest.png --hgrm-dir bench/results/hgrm
 * </pre>
 */
public final class E2eBench {
    static final String CEILING = "raw-netty";

    record Key(String mode, String call, int concurrency) {
    }

    /** One measured window. Latencies in microseconds; CPU in µs per call; allocation in bytes per call. */
    record RunResult(double opsPerSec, double p50, double p90, double p99, double p999, double max,
                     double consumerCpu, double providerCpu, double consumerAlloc, double providerAlloc,
                     double consumerGcs, double providerGcs, double gcMillis, long errors, Histogram histogram) {
    }

    private final Map<String, String> opts;
    private final double warmupSeconds;
    private final double measureSeconds;
    private final double jvmWarmupSeconds;
    private final int repeats;
    private final List<String> modes;
    private final List<String> calls;
    private final List<Integer> concurrencies;
    private final List<String> providerJvm;
    private final Map<Key, List<RunResult>> results = new LinkedHashMap<>();

    private E2eBench(Map<String, String> opts) {
        this.opts = opts;
        warmupSeconds = Double.parseDouble(opts.getOrDefault("warmup", "5"));
        measureSeconds = Double.parseDouble(opts.getOrDefault("measure", "10"));
        jvmWarmupSeconds = Double.parseDouble(opts.getOrDefault("jvm-warmup", String.valueOf(warmupSeconds)));
        repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));
        modes = List.of(opts.getOrDefault("modes", "raw-netty,tern-default,tern-direct").split(","));
        calls = List.of(opts.getOrDefault("calls", "echo,pojo").split(","));
        concurrencies = Arrays.stream(opts.getOrDefault("concurrency", "1,32,128").split(",")).map(Integer::parseInt).toList();
        providerJvm = List.of(opts.getOrDefault("provider-jvm", "-Xms512m -Xmx512m").trim().split("\\s+"));
        for (String m : modes) {
            if (!List.of(CEILING, "tern-default", "tern-direct", TernLoad.GZIP_MODE, Observed.MODE, Observed.NOP_MODE, Observed.NO_LTT_MODE, Observed.DEFAULT_HANDLER_MODE).contains(m)
                    && !Peers.isPeer(m)) {
                throw new IllegalArgumentException("unknown mode " + m);
            }
        }
        for (String c : calls) {
            WireSamples.method(c); // validates
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: E2eBench [--option value]... (see the class documentation)");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        new E2eBench(opts).run();
    }

    private void run() throws Exception {
        String loadStart = loadAverage();
        long startedAt = System.nanoTime();
        int total = repeats * modes.size() * calls.size() * concurrencies.size();
        int done = 0;
        System.err.printf(Locale.ROOT, "e2e: %d runs of %.0f s warm-up + %.0f s measured, %.0f s JVM warm-up per provider"
                        + " (about %.1f min); load average %s%n", total, warmupSeconds, measureSeconds, jvmWarmupSeconds,
                (total * (warmupSeconds + measureSeconds) + repeats * modes.size() * (jvmWarmupSeconds + 1)) / 60.0, loadStart);
        // repeats outermost: each repeat gets fresh provider JVMs and the modes interleave, so a slow spell of the
        // machine (other jobs) spreads over every mode instead of hitting one
        for (int r = 1; r <= repeats; r++) {
            for (String mode : modes) {
                try (ProviderProcess provider = new ProviderProcess(mode, providerJvm);
                     LoadTarget load = load(mode, provider.port())) {
                    // fresh JVMs: get both calls' paths compiled before the first measured configuration, so the
                    // first row of a process does not pay for the JIT that later rows get for free
                    int warmC = Math.min(32, concurrencies.stream().mapToInt(Integer::intValue).max().orElse(32));
                    for (String call : calls) {
                        LoopState state = new LoopState(warmC);
                        load.start(call, warmC, state);
                        sleep(jvmWarmupSeconds / calls.size());
                        stop(state);
                    }
                    for (String call : calls) {
                        for (int c : concurrencies) {
                            RunResult res = measure(load, provider, call, c);
                            results.computeIfAbsent(new Key(mode, call, c), k -> new ArrayList<>()).add(res);
                            done++;
                            System.err.printf(Locale.ROOT, "[%d/%d] repeat %d %-12s %-4s C=%-3d %,10.0f ops/s  p50 %7.1f  p99 %8.1f  p99.9 %8.1f µs"
                                            + "  cpu %.1f+%.1f µs/call  alloc %.0f+%.0f B/call%s%n",
                                    done, total, r, mode, call, c, res.opsPerSec, res.p50, res.p99, res.p999,
                                    res.consumerCpu, res.providerCpu, res.consumerAlloc, res.providerAlloc,
                                    res.errors > 0 ? "  ERRORS " + res.errors : "");
                        }
                    }
                }
            }
        }
        String loadEnd = loadAverage();
        String markdown = report(loadStart, loadEnd, (System.nanoTime() - startedAt) / 1e9);
        System.out.println(markdown);
        Path out = Path.of(opts.getOrDefault("out", "bench/results/e2e-latest.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        writeHistograms(Path.of(opts.getOrDefault("hgrm-dir", "bench/results/hgrm")));
        Path png = Path.of(opts.getOrDefault("png", "bench/results/latency-latest.png"));
        writePlot(png, loadStart, loadEnd);
        System.err.println("wrote " + out + ", " + png);
    }

    private static LoadTarget load(String mode, int port) throws Exception {
        if (mode.equals(CEILING)) {
            return new RawNettyLoad(port);
        }
        return Peers.isPeer(mode) ? Peers.load(mode, port) : new TernLoad(port, mode);
    }

    private RunResult measure(LoadTarget load, ProviderProcess provider, String call, int c) throws Exception {
        LoopState state = new LoopState(c);
        load.start(call, c, state);
        sleep(warmupSeconds);
        long errors0 = state.errors.get();
        ProcStats provider0 = provider.stats();
        ProcStats consumer0 = ProcStats.now();
        long t0 = System.nanoTime();
        state.recorder.reset();
        sleep(measureSeconds);
        Histogram h = state.recorder.getIntervalHistogram();
        long t1 = System.nanoTime();
        ProcStats consumer = ProcStats.now().minus(consumer0);
        ProcStats prov = provider.stats().minus(provider0);
        long errors = state.errors.get() - errors0;
        stop(state);
        long n = Math.max(1, h.getTotalCount());
        double seconds = (t1 - t0) / 1e9;
        return new RunResult(h.getTotalCount() / seconds,
                us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                consumer.cpuNanos() / 1e3 / n, prov.cpuNanos() / 1e3 / n,
                (double) consumer.allocatedBytes() / n, (double) prov.allocatedBytes() / n,
                consumer.gcCount(), prov.gcCount(), consumer.gcMillis() + prov.gcMillis(), errors, h);
    }

    /** Stops a loop and waits for its calls in flight to come back. */
    private static void stop(LoopState state) throws InterruptedException {
        state.running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (state.active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (state.active.get() > 0) {
            System.err.println("warning: " + state.active.get() + " calls still in flight 30 s after the run ended");
        }
        if (state.firstError != null) {
            System.err.println("first error of this run: " + state.firstError);
        }
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    // ---------------------------------------------------------------- report

    private String report(String loadStart, String loadEnd, double elapsedSeconds) {
        StringBuilder sb = new StringBuilder();
        String label = opts.getOrDefault("label", "");
        sb.append("# Tern RPC end-to-end benchmark\n\n");
        sb.append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        if (!label.isEmpty()) {
            sb.append(" · ").append(label);
        }
        sb.append(String.format(Locale.ROOT, " · %d repeat%s × (%.0f s warm-up + %.0f s measured) per row, fresh provider JVMs per"
                        + " repeat (each first warmed %.0f s) · took %.1f min%n%n",
                repeats, repeats == 1 ? "" : "s", warmupSeconds, measureSeconds, jvmWarmupSeconds, elapsedSeconds / 60));
        sb.append("**Machine:** ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc) · ")
                .append(cpuModel()).append(" · ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).append("  \n");
        sb.append("**Java:** ").append(javaVersion()).append("  \n");
        sb.append("**Transport:** ").append(NettyTransport.name()).append(" (Tern and the raw Netty baseline make the same choice)  \n");
        sb.append("**Load average** (1/5/15 min): at start ").append(loadStart).append(", at end ").append(loadEnd)
                .append(" — other jobs on this machine share the 2 cores; compare rows of the same run  \n");
        sb.append("**JVMs:** consumer ").append(String.join(" ", consumerJvmArgs())).append("; provider ")
                .append(String.join(" ", providerJvm)).append("; default GC  \n");
        sb.append(String.format(Locale.ROOT, "**Payloads (Protostuff):** echo = %d-char String, request frame %d B; "
                        + "pojo = SmallPojo of %d B serialized, request frame %d B (16-byte header + body). "
                        + "The raw Netty ceiling echoes exactly these request frames.%n%n",
                Payloads.ECHO_STRING.length(), WireSamples.requestFrame("echo", 1).length,
                WireSamples.serializedSize(Serializers.protostuff(), SmallPojo.class, Payloads.small()),
                WireSamples.requestFrame("pojo", 1).length));
        for (String call : calls) {
            if (!call.equals("echo") && !call.equals("pojo")) {
                sb.append(String.format(Locale.ROOT, "%s = %s of %,d B serialized%s. ", call,
                        WireSamples.method(call).getParameterTypes()[0].getSimpleName(), WireSamples.argumentBytes(call),
                        call.startsWith("rows-") ? " (" + ((io.tern.rpc.benchmark.model.RowsPojo) WireSamples.argument(call)).getRows().size()
                                + " SmallPojo rows)" : " (one byte[])"));
            }
        }
        sb.append("MB/s: ops/s × the argument's serialized size (one direction; the answer carries as much back).\n\n");
        sb.append(Peers.notes(modes));
        if (modes.stream().anyMatch(Peers::isPeer)) {
            sb.append('\n');
        }

        sb.append("| mode | call | C | ops/s | MB/s | % of ceiling | p50 µs | p90 µs | p99 µs | p99.9 µs | p50 × ceiling | CPU µs/call (cons + prov) | alloc B/call (cons + prov) | GCs (cons/prov) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String call : calls) {
            for (int c : concurrencies) {
                List<RunResult> ceiling = results.get(new Key(CEILING, call, c));
                for (String mode : modes) {
                    List<RunResult> runs = results.get(new Key(mode, call, c));
                    if (runs == null) {
                        continue;
                    }
                    double ops = median(runs, RunResult::opsPerSec);
                    double p50 = median(runs, RunResult::p50);
                    long errors = runs.stream().mapToLong(RunResult::errors).sum();
                    String share = ceiling == null ? "n/a" : pct(ops / median(ceiling, RunResult::opsPerSec));
                    String times = ceiling == null ? "n/a" : String.format(Locale.ROOT, "%.2f×", p50 / median(ceiling, RunResult::p50));
                    sb.append(String.format(Locale.ROOT, "| %s%s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.1f + %.1f | %s + %s | %s/%s |%n",
                            mode, errors > 0 ? " ⚠ " + errors + " errors" : "", call, c, grouped(ops),
                            String.format(Locale.ROOT, "%,.1f", ops * WireSamples.argumentBytes(call) / 1e6), share,
                            lat(p50), lat(median(runs, RunResult::p90)), lat(median(runs, RunResult::p99)),
                            lat(median(runs, RunResult::p999)), times,
                            median(runs, RunResult::consumerCpu), median(runs, RunResult::providerCpu),
                            grouped(median(runs, RunResult::consumerAlloc)), grouped(median(runs, RunResult::providerAlloc)),
                            grouped(median(runs, RunResult::consumerGcs)), grouped(median(runs, RunResult::providerGcs))));
                }
            }
        }
        sb.append("\nEvery cell is the median over the repeats of that figure. ops/s: calls completed in the measured window"
                + " per second. % of ceiling: ops/s ÷ raw-netty ops/s (same call, same C). p50 × ceiling: p50 ÷ raw-netty p50."
                + " Latency: from issuing the call to its completion callback (HdrHistogram, ns precision, 3 digits)."
                + " CPU µs/call: process CPU time (all threads: I/O, business, JIT, GC) over the window ÷ calls, consumer + provider;"
                + " 2 cores give at most 2,000,000 µs of CPU per second for both processes together. alloc B/call: bytes allocated"
                + " by all threads of the process over the window ÷ calls (ThreadMXBean.getTotalThreadAllocatedBytes);"
                + " the consumer's figure includes the load generator's own future callbacks. GCs: collections during the window.\n\n");

        sb.append("Throughput of each repeat (ops/s):\n\n| mode | call | C | runs |\n|---|---|---:|---|\n");
        results.forEach((k, runs) -> sb.append("| ").append(k.mode()).append(" | ").append(k.call()).append(" | ").append(k.concurrency())
                .append(" | ").append(String.join(", ", runs.stream().map(r -> grouped(r.opsPerSec())).toList())).append(" |\n"));
        sb.append("\nCommand: `bench/run.sh` → `java ").append(String.join(" ", consumerJvmArgs())).append(" ")
                .append(E2eBench.class.getName());
        opts.forEach((k, v) -> sb.append(" --").append(k).append(' ').append(v.contains(" ") ? "'" + v + "'" : v));
        sb.append("`\n");
        return sb.toString();
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, ratio >= 0.1 ? "%.0f%%" : "%.1f%%", ratio * 100);
    }

    private static String lat(double us) {
        return String.format(Locale.ROOT, us < 100 ? "%.1f" : "%,.0f", us);
    }

    private static String grouped(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static List<String> consumerJvmArgs() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Djava.awt.headless")).toList();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    static String javaVersion() {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return String.join(" / ", text.lines().toList());
        } catch (IOException | InterruptedException e) {
            return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        }
    }

    // ---------------------------------------------------------------- histograms and plot

    private static Histogram merged(List<RunResult> runs) {
        Histogram h = runs.get(0).histogram().copy();
        for (int i = 1; i < runs.size(); i++) {
            h.add(runs.get(i).histogram());
        }
        return h;
    }

    private void writeHistograms(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<Key, List<RunResult>> e : results.entrySet()) {
            Key k = e.getKey();
            Path file = dir.resolve(k.mode() + "-" + k.call() + "-c" + k.concurrency() + ".hgrm");
            try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
                merged(e.getValue()).outputPercentileDistribution(ps, 1000.0); // values in µs
            }
        }
    }

    private void writePlot(Path png, String loadStart, String loadEnd) throws IOException {
        String call = calls.contains("pojo") ? "pojo" : calls.get(0);
        List<Integer> panelsC = concurrencies.size() == 1 ? List.of(concurrencies.get(0))
                : List.of(concurrencies.get(0), concurrencies.get(concurrencies.size() - 1));
        List<LatencyPlot.Panel> panels = new ArrayList<>();
        for (int c : panelsC) {
            Map<String, Histogram> lines = new LinkedHashMap<>();
            for (String mode : modes) {
                List<RunResult> runs = results.get(new Key(mode, call, c));
                if (runs != null) {
                    lines.put(mode, merged(runs));
                }
            }
            panels.add(new LatencyPlot.Panel((call.equals("pojo") ? "POJO call" : "echo(String)") + ", C = " + c
                    + (repeats == 1 ? "" : " (" + repeats + " repeats merged)"), lines));
        }
        String footer = String.format(Locale.ROOT, "%d cores, %s, %s, Java %s, %s transport; %.0f s windows; load %s → %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.name"),
                System.getProperty("java.runtime.version"), NettyTransport.EPOLL ? "epoll" : "nio", measureSeconds, loadStart, loadEnd);
        LatencyPlot.write(png, "Tern RPC round-trip latency by percentile (loopback, separate JVMs)", footer, panels);
    }
}
