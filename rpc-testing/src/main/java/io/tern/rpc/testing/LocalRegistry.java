package io.tern.rpc.testing;

import io.tern.rpc.registry.RegistryConfig;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * A ZooKeeper server in this JVM, for an application's tests and local runs: the registry Tern's providers and
 * consumers meet in, without installing ZooKeeper or building Tern. It listens on 127.0.0.1 only, keeps its data in
 * a temporary directory and deletes it on {@link #close()}.
 *
 * <pre>{@code
 * try (LocalRegistry zk = LocalRegistry.start()) {      // a free port
 *     TernServer server = new TernServer(serverConfig, zk.registryConfig(), "127.0.0.1");
 *     ...
 * }
 * }</pre>
 *
 * <p>From the command line ({@link #main}), it runs until Ctrl-C, on port 2181 unless {@code --port} says otherwise;
 * with rpc-testing as a test dependency of the application:
 * {@code mvn -q exec:java -Dexec.mainClass=io.tern.rpc.testing.LocalRegistry -Dexec.classpathScope=test}
 * (append {@code -Dexec.args="--port 2182"} for another port).
 */
public final class LocalRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalRegistry.class);

    /** ZooKeeper's usual port, the command line's default. */
    public static final int DEFAULT_PORT = 2181;
    /** ZooKeeper's usual tick: sessions may last 4 to 40 s (Tern's default session timeout is 30 s). */
    private static final int TICK_MILLIS = 2000;

    /** How long a start may take (a loaded CI machine). */
    private static final long START_TIMEOUT_MILLIS = 30_000;
    /** Tries on a free port, in case another process takes the port between its choice and the bind. */
    private static final int FREE_PORT_TRIES = 3;

    private final ZooKeeperServerEmbedded server;
    private final int port;
    private final Path directory;

    private LocalRegistry(ZooKeeperServerEmbedded server, int port, Path directory) {
        this.server = server;
        this.port = port;
        this.directory = directory;
    }

    /** Starts a ZooKeeper server on a free port of 127.0.0.1. */
    public static LocalRegistry start() {
        return start(0);
    }

    /**
     * Starts a ZooKeeper server on {@code port} of 127.0.0.1 (0: a free port).
     *
     * @throws IllegalStateException if it cannot start, e.g. the port is taken
     */
    public static LocalRegistry start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (a free one) to 65535, was " + port);
        }
        if (port != 0) {
            requireFree(port);
            return startServer(port, START_TIMEOUT_MILLIS);
        }
        for (int attempt = 1; ; attempt++) {
            int chosen = freePort();
            try {
                return startServer(chosen, START_TIMEOUT_MILLIS);
            } catch (IllegalStateException e) {
                if (attempt == FREE_PORT_TRIES) {
                    throw e;
                }
                log.debug("Local ZooKeeper could not start on free port {} (taken since?), trying another: {}", chosen, e.toString());
            }
        }
    }

    /**
     * Starts the server without checking the port first. ZooKeeper's embedded server is told to fail, not to end
     * the JVM (its default when it cannot start): a test run or an application's JVM must survive a taken port.
     * Then it does not report the failure either: the start fails when {@code timeoutMillis} have passed.
     */
    static LocalRegistry startServer(int port, long timeoutMillis) {
        Path directory;
        try {
            directory = Files.createTempDirectory("tern-local-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for a local ZooKeeper", e);
        }
        Properties config = new Properties();
        config.setProperty("dataDir", directory.resolve("data").toString());
        config.setProperty("clientPort", Integer.toString(port));
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("tickTime", Integer.toString(TICK_MILLIS));
        config.setProperty("maxClientCnxns", "0"); // no limit per client address: every local process is 127.0.0.1
        config.setProperty("admin.enableServer", "false"); // no HTTP admin server on port 8080
        ZooKeeperServerEmbedded server = null;
        try {
            server = ZooKeeperServerEmbedded.builder().baseDir(directory).configuration(config)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(timeoutMillis);
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            deleteTree(directory);
            throw new IllegalStateException("cannot start a local ZooKeeper on 127.0.0.1:" + port + ": " + e
                    + " (is another ZooKeeper running there? choose another port)", e);
        }
        LocalRegistry registry = new LocalRegistry(server, port, directory);
        log.info("Local ZooKeeper registry listening on {} (data in {}, deleted on close)", registry.connectString(), directory);
        return registry;
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as ZooKeeper binds: a port left in TIME_WAIT by a closed server is free
            probe.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a local ZooKeeper on 127.0.0.1:" + port + ": " + e.getMessage()
                    + " (is another ZooKeeper running there? choose another port)", e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** ZooKeeper's connect string, {@code 127.0.0.1:port}. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry address Tern takes (rpc.registry.address): {@code zookeeper://127.0.0.1:port}. */
    public String address() {
        return "zookeeper://" + connectString();
    }

    /** Where the server keeps its data, a temporary directory deleted on {@link #close()}. */
    public Path dataDirectory() {
        return directory;
    }

    /** Tern's registry settings for this server, with the defaults otherwise. */
    public RegistryConfig registryConfig() {
        return RegistryConfig.of(address());
    }

    /** Stops the server (its clients lose their sessions) and deletes its data directory. */
    @Override
    public void close() {
        server.close();
        deleteTree(directory);
        log.info("Local ZooKeeper registry on {} stopped", connectString());
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the local ZooKeeper's data directory {}: {}", root, e.toString());
        }
    }

    /**
     * Runs a local registry until the JVM is stopped (Ctrl-C): {@code [--port N]}, 2181 by default. Prints where it
     * listens, on standard output (an application may have no logging binding yet).
     */
    public static void main(String[] args) throws InterruptedException {
        int port;
        try {
            port = CommandLine.port(args);
        } catch (CommandLine.Help help) {
            System.out.println(CommandLine.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + CommandLine.USAGE);
            System.exit(2);
            return;
        }
        LocalRegistry registry;
        try {
            registry = launch(port, System.out);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage()); // the cause is in the message: a stack trace would only bury it
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "tern-local-registry-stop"));
        new CountDownLatch(1).await(); // until Ctrl-C: the hook stops the server and deletes its data
    }

    /** What the command line does before it waits: starts, then tells where. */
    static LocalRegistry launch(int port, PrintStream out) {
        LocalRegistry registry = start(port);
        out.println("Tern RPC local registry (ZooKeeper) running on " + registry.connectString() + ", data in "
                + registry.dataDirectory() + " (deleted on exit)");
        out.println("  connect string: " + registry.connectString());
        out.println("  rpc.registry.address=" + registry.address());
        out.println("Stop it with Ctrl-C.");
        out.flush();
        return registry;
    }
}
