package io.tern.rpc.cluster;

import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ServerConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider in its own JVM, for tests whose behaviour crosses a process boundary (kill -9). The child prints
 * {@code PORT n} once serving and {@code SLOW} when a slow call starts; {@link #start()} runs it and reads that.
 */
public final class ProviderProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final int port;

    private ProviderProcess(Process process) throws Exception {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("EOF " + e);
            }
        }, "provider-stdout");
        reader.setDaemon(true);
        reader.start();
        String first = awaitLine("PORT ", Duration.ofSeconds(30));
        this.port = Integer.parseInt(first.substring(5).trim());
    }

    /** A provider reachable only by its address (no registry). */
    public static ProviderProcess start() throws Exception {
        return start("direct://127.0.0.1:1", 30_000);
    }

    /** A provider registered in {@code registryAddress} with the given ZooKeeper session timeout. */
    public static ProviderProcess start(String registryAddress, long sessionTimeoutMillis) throws Exception {
        String java = System.getProperty("java.home") + "/bin/java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                "-Dlogback.configurationFile=none", Main.class.getName(), registryAddress, Long.toString(sessionTimeoutMillis));
        pb.redirectErrorStream(true);
        return new ProviderProcess(pb.start());
    }

    public int port() {
        return port;
    }

    /** Waits for an output line starting with {@code prefix}; fails after {@code timeout}. */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("provider process printed no '" + prefix + "' line within " + timeout.toMillis() + " ms");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** SIGTERM: the provider's shutdown hook unregisters, sends GOAWAY and drains; waits for the process to end. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("provider did not stop within 30 s of SIGTERM");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process dies at once, with no chance to send GOAWAY or close sockets cleanly. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The child process's entry point. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            GreeterImpl impl = new GreeterImpl() {
                @Override
                public String slow(long millis) {
                    if (millis >= 1000) {
                        System.out.println("SLOW");
                    }
                    return super.slow(millis);
                }
            };
            RegistryConfig registry = RegistryConfig.of(args[0]).withSessionTimeout(Duration.ofMillis(Long.parseLong(args[1])));
            TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).build(), registry, "127.0.0.1");
            server.export(ServiceExport.of(Greeter.class, impl)).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tern-shutdown")); // SIGTERM: drain, then exit
            System.out.println("PORT " + server.port());
            Thread.currentThread().join();
        }
    }
}
