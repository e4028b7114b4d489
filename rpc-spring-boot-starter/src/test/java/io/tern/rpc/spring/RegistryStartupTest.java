package io.tern.rpc.spring;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ZooKeeper and start-up as a user sees them: an unreachable ZooKeeper is Boot's "APPLICATION FAILED TO START" report
 * naming the servers and properties, within the connect timeout, without the ZooKeeper client's stack traces; a normal
 * start logs nothing of the ZooKeeper client's at INFO (the class path among it), unless the user asks for it.
 */
class RegistryStartupTest {
    @Test
    void anUnreachableZooKeeperIsAFailureAnalysisNamingTheServersAndTheProperties() throws IOException {
        int port = closedPort();
        long start = System.nanoTime();
        try (CapturedRun run = CapturedRun.run(GreetingApps.Consumer.class, "rpc.registry.address=zookeeper://127.0.0.1:" + port,
                "rpc.registry.connect-timeout=1s")) {
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String[] report = run.failureReport();
            assertEquals("Tern RPC could not reach its registry: ZooKeeper at 127.0.0.1:" + port + " (rpc.registry.address) did not"
                    + " answer within 1 s (rpc.registry.connect-timeout): is it running, and reachable from this host?", report[0]);
            assertEquals("Start ZooKeeper at 127.0.0.1:" + port + ", or set rpc.registry.address to one that is running. If it is"
                    + " running but slow to answer, raise rpc.registry.connect-timeout. A consumer can also call providers without"
                    + " a registry: rpc.registry.address=direct://host:port[,host:port...].", report[1]);
            assertTrue(tookMs < 30_000, "start-up failed after " + tookMs + " ms");
            assertEquals(List.of(), zooKeeperEvents(run), "the ZooKeeper client's reconnect warnings (with stack traces) are off by default");
        }
    }

    @Test
    void anUnreachableZooKeeperFailsAProviderWithTheSameReport() throws IOException {
        int port = closedPort();
        try (CapturedRun run = CapturedRun.run(GreetingApps.Provider.class, "rpc.registry.address=zookeeper://127.0.0.1:" + port,
                "rpc.registry.connect-timeout=500ms", "rpc.server.port=0", "rpc.server.host=127.0.0.1")) {
            assertEquals("Tern RPC could not reach its registry: ZooKeeper at 127.0.0.1:" + port + " (rpc.registry.address) did not"
                    + " answer within 500 ms (rpc.registry.connect-timeout): is it running, and reachable from this host?", run.failureReport()[0]);
        }
    }

    @Test
    void aNormalStartLogsNothingOfTheZooKeeperClientAtInfo() throws Exception {
        try (TestingServer zk = ZooKeepers.server()) {
            List<String> events = probe(zk.getConnectString());
            assertEquals(List.of(), events, "ZooKeeper client and Curator events at INFO and above");
        }
    }

    @Test
    void theUsersOwnLevelForZooKeeperWins() throws Exception {
        try (TestingServer zk = ZooKeepers.server()) {
            List<String> events = probe(zk.getConnectString(), "logging.level.org.apache.zookeeper=INFO");
            assertTrue(events.stream().anyMatch(e -> e.startsWith("INFO|org.apache.zookeeper.ZooKeeper|Client environment:java.class.path=")), events::toString);
            assertTrue(events.stream().anyMatch(e -> e.startsWith("INFO|org.apache.zookeeper.ClientCnxn|")),
                    () -> "a level for the package also applies to ClientCnxn: " + events);
            assertTrue(events.stream().noneMatch(e -> e.split("\\|")[1].startsWith("org.apache.curator")), () -> "Curator keeps its default: " + events);
        }
    }

    private static List<String> zooKeeperEvents(CapturedRun run) {
        return run.events().stream().filter(e -> e.getLoggerName().startsWith("org.apache.zookeeper") || e.getLoggerName().startsWith("org.apache.curator"))
                .map(ILoggingEvent::toString).toList();
    }

    /** The ZooKeeper and Curator events of a consumer's start and stop in a new JVM (see {@link ZooKeeperLoggingProbe}). */
    private static List<String> probe(String connectString, String... properties) throws Exception {
        Path out = Files.createTempFile("zk-logging-probe", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    ZooKeeperLoggingProbe.class.getName(), connectString));
            command.addAll(List.of(properties));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the probe did not finish within 120 s:\n" + Files.readString(out));
            }
            List<String> lines = Files.readAllLines(out);
            assertTrue(p.exitValue() == 0 && lines.contains("PROBE-DONE"), () -> "the probe failed:\n" + String.join("\n", lines));
            // level|logger|message, cut short: the class path is long
            return lines.stream().filter(l -> l.startsWith("PROBE|")).map(l -> l.substring("PROBE|".length(), Math.min(l.length(), 200))).toList();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
