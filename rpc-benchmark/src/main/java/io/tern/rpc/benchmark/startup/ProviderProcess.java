package io.tern.rpc.benchmark.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One demo provider as a real process: the demo-provider Spring Boot fat jar started the way demo.sh starts it (same
 * JVM options unless overridden), bound to and advertising 127.0.0.1, registering in the harness's ZooKeeper. Its
 * output goes to a log file, from which Spring Boot's own start-up line is read.
 */
final class ProviderProcess implements AutoCloseable {
    /** Spring Boot's "Started X in 3.1 seconds (process running for 3.6)". */
    private static final Pattern STARTED = Pattern.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    private final Process process;
    private final Path log;
    private final long startNanos;

    private ProviderProcess(Process process, Path log, long startNanos) {
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /** Starts the provider; the returned start time is taken just before the process is spawned. */
    static ProviderProcess start(Path jar, List<String> jvmOptions, String zooKeeper, int port, String name, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("--rpc.registry.address=zookeeper://" + zooKeeper);
        cmd.add("--rpc.server.host=127.0.0.1");
        cmd.add("--rpc.server.advertised-host=127.0.0.1");
        cmd.add("--rpc.server.port=" + port);
        cmd.add("--demo.name=" + name);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        long start = System.nanoTime();
        return new ProviderProcess(pb.start(), log, start);
    }

    long startNanos() {
        return startNanos;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Spring Boot's reported {started-in, process-running-for} seconds, or null when the line is not there (yet). */
    double[] springStarted() throws IOException {
        Matcher m = STARTED.matcher(Files.readString(log));
        return m.find() ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))} : null;
    }

    /** The last lines of the provider's log, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM (graceful: unregister, GOAWAY, drain), then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
