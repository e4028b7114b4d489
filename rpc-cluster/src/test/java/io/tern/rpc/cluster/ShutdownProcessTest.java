package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider program as a user writes it ({@link AwaitingProvider}), in its own JVM: with {@code awaitTermination()}
 * it stays up and serves; SIGTERM runs the {@code closeOnShutdown()} hook, which unregisters at once (the ZooKeeper
 * session timeout is 60 s, so only a graceful close unlists it within the test's deadline) and the process exits.
 * Without the wait, main returns and the process ends by itself: Tern's threads are daemons.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownProcessTest {
    private TestingServer zk;
    private Process process;
    @TempDir
    Path dir;
    private Path outputFile;

    @BeforeEach
    void startZooKeeper() throws Exception {
        // sessions up to 2 minutes (the shared tick of 200 ms caps them at 4 s): an unlisting within seconds then
        // comes from the provider's close, not from its session expiring
        outputFile = dir.resolve("provider.log");
        zk = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, ZooKeepers.TICK_MILLIS, -1,
                Map.of("clientPortAddress", "127.0.0.1", "maxSessionTimeout", "120000"), "127.0.0.1"), true);
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        zk.close();
    }

    private String address() {
        return ZooKeepers.address(zk.getConnectString());
    }

    /** Its output goes to a file: Process.destroy() closes the pipes, which would lose the lines of the shutdown. */
    private void startChild(String mode) throws IOException {
        String java = System.getProperty("java.home") + "/bin/java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                AwaitingProvider.class.getName(), address(), mode);
        pb.redirectErrorStream(true).redirectOutput(outputFile.toFile());
        process = pb.start();
    }

    private String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean printed(String text) {
        return output().contains(text);
    }

    @Test
    void awaitingProviderServesUntilSigtermThenUnregistersDrainsAndExits() throws Exception {
        try (Registry watch = Registries.create(RegistryConfig.of(address()));
             TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(address()))) {
            AtomicReference<List<ProviderInfo>> listed = new AtomicReference<>(List.of());
            watch.subscribe(ServiceExport.of(Greeter.class, new GreeterImpl()).serviceKey(), listed::set);
            startChild("await");
            Poll.until(Duration.ofSeconds(60), "the provider process registers", () -> listed.get().size() == 1);
            Poll.until(Duration.ofSeconds(10), "main reaches awaitTermination()", () -> printed("AWAITING"));
            int port = listed.get().get(0).port();
            String provider = "Tern RPC provider 127.0.0.1:" + port;

            Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(10)));
            assertEquals("hello from a test", greeter.hello("from a test"));
            assertTrue(process.isAlive(), "main is blocked in awaitTermination(): the process stays up");

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the provider exits within 30 s of SIGTERM");
            // a JVM ended by a signal reports 128 + signal, after running its shutdown hooks
            assertEquals(143, process.exitValue(), output());
            Poll.until(Duration.ofSeconds(10), "the provider is unlisted (long before its 60 s session would expire)",
                    () -> listed.get().isEmpty());
            assertTrue(printed("JVM shutting down: closing " + provider + " (unregister, drain up to 10000 ms, close)"), output());
            assertTrue(printed("Tern RPC server on port " + port + " stopped"), output());
            assertTrue(printed(provider + " closed"), output());
        }
    }

    @Test
    void withoutAwaitTerminationMainReturnsAndTheProcessEnds() throws Exception {
        startChild("return");
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "Tern's threads are daemons: nothing keeps the JVM alive\n"
                + output());
        assertEquals(0, process.exitValue(), output());
        assertTrue(printed("STARTED"), output());
    }

    /** The child: a provider main as the getting-started notes show it. */
    public static final class AwaitingProvider {
        public static void main(String[] args) throws Exception {
            RegistryConfig registry = RegistryConfig.of(args[0]).withSessionTimeout(Duration.ofSeconds(60));
            TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).build(), registry, "127.0.0.1");
            server.export(ServiceExport.of(Greeter.class, new GreeterImpl()));
            if (args[1].equals("return")) {
                server.start();
                System.out.println("STARTED");
                return;
            }
            server.closeOnShutdown().start();
            System.out.println("AWAITING");
            server.awaitTermination(); // the JVM may halt before anything after this runs: its hooks are done
        }
    }
}
