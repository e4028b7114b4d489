package io.tern.rpc.benchmark.conns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live-object heap histogram of another JVM ({@code jcmd <pid> GC.class_histogram}, which runs a full GC first),
 * and the difference of two: where the heap of the connections opened in between went, class by class.
 */
record ClassHistogram(Map<String, long[]> byClass, long totalBytes) {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** One class's growth: instances and bytes, in total and per connection. */
    record Growth(String className, long instances, long bytes) {
    }

    static ClassHistogram of(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + text.lines().limit(3).toList());
        }
        return parse(text);
    }

    static ClassHistogram parse(String text) {
        Map<String, long[]> rows = new HashMap<>();
        long total = 0;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            } else {
                Matcher t = TOTAL.matcher(line.trim());
                if (t.matches()) {
                    total = Long.parseLong(t.group(2));
                }
            }
        }
        return new ClassHistogram(rows, total);
    }

    /** The classes that grew most from {@code before} to this one, largest growth first. */
    List<Growth> growthSince(ClassHistogram before, int top) {
        List<Growth> all = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
            all.add(new Growth(e.getKey(), e.getValue()[0] - was[0], e.getValue()[1] - was[1]));
        }
        all.sort((a, b) -> Long.compare(b.bytes, a.bytes));
        return all.subList(0, Math.min(top, all.size()));
    }
}
