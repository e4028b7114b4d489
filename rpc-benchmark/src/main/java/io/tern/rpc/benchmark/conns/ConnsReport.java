package io.tern.rpc.benchmark.conns;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown report of {@link ConnsBench}: machine, memory per connection with the target's verdict, latency. */
final class ConnsReport {
    /** Issue 16's target: heap plus direct memory per idle connection. */
    static final long TARGET_BYTES = 16 * 1024;

    private ConnsReport() {
    }

    static String markdown(Map<String, String> opts, List<SideResult> results, double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("# Connections: memory per connection and latency under many idle connections (issue 16)\n\n");
        md.append("- date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)).append(" UTC\n");
        md.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(firstLine("/proc/meminfo")).append(", Java ").append(System.getProperty("java.version"))
                .append(", load average at the end: ").append(firstLine("/proc/loadavg")).append('\n');
        if (!opts.get("label").isEmpty()) {
            md.append("- ").append(opts.get("label")).append('\n');
        }
        md.append(String.format(Locale.ROOT, "- run: idle period %s s, warm-up %s s, %s s per measured loop, C = %s, %.0f s in all%n",
                opts.get("idle-seconds"), opts.get("warmup"), opts.get("measure"), opts.get("concurrency"), seconds));
        md.append("- process under test JVM: `").append(opts.get("node-jvm")).append("`; idlers/provider farms: `")
                .append(opts.get("helper-jvm")).append("`\n\n");
        md.append("Memory is taken in the process under test after 3 forced full GCs, before the idle connections open (the active"
                + " connection open and warm) and after they have been open and idle for the idle period; the difference divided by"
                + " their number. *direct* = the JDK \"direct\" buffer pool, plus Netty's"
                + " counter (PlatformDependent.usedDirectMemory) only if Netty makes Cleaner-less buffers (it counts both kinds); *allocator* = the default ByteBufAllocator's usedDirectMemory (its chunks, a subset of"
                + " direct); *histogram* = growth of live objects per `jcmd GC.class_histogram`; RSS for scale only (noisy:"
                + " JIT, malloc arenas; kernel socket buffers are not in it). Target: heap + direct <= 16 KiB per connection.\n\n");
        md.append("| side | connections | heap / conn | direct / conn | heap + direct | target <= 16 KiB | allocator / conn | histogram / conn | RSS / conn |\n");
        md.append("|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (SideResult r : results) {
            double total = r.heapPerConnection() + r.directPerConnection();
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |%n", r.process(), r.connections(),
                    kib(r.heapPerConnection()), kib(r.directPerConnection()), kib(total), total <= TARGET_BYTES ? "**met**" : "**missed**",
                    kib(r.allocatorDirectPerConnection()), r.histogramDelta() == 0 ? "-" : kib(r.histogramDelta() / (double) r.connections()),
                    kib(r.rssPerConnection())));
        }
        md.append("\nThe active connection, closed loop of async echo(String) calls: alone, with the idle connections open, and alone"
                + " again after they closed (the spread between the two alone runs is the order and machine noise; the ratio is to"
                + " the better of the two, so it shows the worst case for the idle connections).\n\n");
        md.append("| side | C | phase | calls/s | p50 | p99 | p99.9 | max | p99 / best alone p99 | errors |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SideResult r : results) {
            for (int c : r.latencyWithout().keySet()) {
                double[] a = r.latencyWithout().get(c);
                double[] z = r.latencyAfter().get(c);
                double alone = Math.min(a[3], z[3]);
                row(md, r, c, "alone", a, alone);
                row(md, r, c, "**with idle**", r.latencyWith().get(c), alone);
                row(md, r, c, "alone again", z, alone);
            }
        }
        for (SideResult r : results) {
            md.append("\n## ").append(r.title()).append("\n\n");
            for (String note : r.notes()) {
                md.append("- ").append(note).append('\n');
            }
            md.append(String.format(Locale.ROOT, "- before: heap %s, direct %s (Netty counter %d, JDK pool %d), allocator %s, RSS %s, %d threads%n",
                    mib(r.before().heapUsed()), mib(r.before().direct()), r.before().nettyCounter(), r.before().nioDirect(),
                    mib(r.before().allocatorDirect()), mib(r.before().rss()), r.before().threads()));
            md.append(String.format(Locale.ROOT, "- after: heap %s, direct %s (Netty counter %d, JDK pool %d), allocator %s, RSS %s, %d threads%n",
                    mib(r.after().heapUsed()), mib(r.after().direct()), r.after().nettyCounter(), r.after().nioDirect(),
                    mib(r.after().allocatorDirect()), mib(r.after().rss()), r.after().threads()));
            if (!r.growth().isEmpty()) {
                md.append("\nWhere the heap went (live objects, after minus before, per connection):\n\n| class | instances / conn | bytes / conn |\n|---|---:|---:|\n");
                for (ClassHistogram.Growth g : r.growth()) {
                    md.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.0f |%n", g.className(),
                            g.instances() / (double) r.connections(), g.bytes() / (double) r.connections()));
                }
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, SideResult r, int c, String phase, double[] v, double aloneP99) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.0f µs | %.0f µs | %.0f µs | %.0f µs | %.2f | %.0f |%n",
                r.process(), c, phase, v[1], v[2], v[3], v[4], v[5], v[3] / aloneP99, v[6]));
    }

    private static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.2f KiB", bytes / 1024);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String firstLine(String file) {
        try {
            String line = Files.readAllLines(Path.of(file)).get(0).replaceAll("\\s+", " ").trim();
            return line.isEmpty() ? "?" : line;
        } catch (IOException | IndexOutOfBoundsException e) {
            return "? (" + ManagementFactory.getOperatingSystemMXBean().getName() + ")";
        }
    }
}
