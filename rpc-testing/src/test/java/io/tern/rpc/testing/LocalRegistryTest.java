package io.tern.rpc.testing;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryStatus;
import io.tern.rpc.testsupport.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LocalRegistry}: a working ZooKeeper on 127.0.0.1, on a given or free port, that cleans up after itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRegistryTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Tern registry session registers and sees a provider: the server works, not only listens. */
    static void assertServes(String address) {
        try (Registry registry = Registries.create(io.tern.rpc.registry.RegistryConfig.of(address))) {
            assertEquals(RegistryStatus.State.CONNECTED, registry.status().state());
            AtomicReference<List<ProviderInfo>> listed = new AtomicReference<>(List.of());
            registry.subscribe("probe.Service", listed::set);
            registry.register(new ProviderInfo("probe.Service", "127.0.0.1", 7070, 100, "protostuff", 1L, "", "", Map.of()));
            Poll.until(Duration.ofSeconds(10), "the probe provider is listed", () -> listed.get().size() == 1);
        }
    }

    @Test
    void startsOnAGivenPortOfLoopbackServesAndDeletesItsDataOnClose() throws Exception {
        int port = freePort();
        Path data;
        try (LocalRegistry zk = LocalRegistry.start(port)) {
            assertEquals(port, zk.port());
            assertEquals("127.0.0.1:" + port, zk.connectString());
            assertEquals("zookeeper://127.0.0.1:" + port, zk.address());
            assertEquals(zk.address(), zk.registryConfig().address());
            assertServes(zk.address());
            data = zk.dataDirectory();
            assertTrue(Files.isDirectory(data), data.toString());
        }
        assertFalse(Files.exists(data), "data directory deleted: " + data);
        try (LocalRegistry again = LocalRegistry.start(port)) {
            assertEquals(port, again.port(), "close freed the port");
        }
    }

    @Test
    void aFreePortByDefault() {
        try (LocalRegistry a = LocalRegistry.start(); LocalRegistry b = LocalRegistry.start()) {
            assertTrue(a.port() > 0 && b.port() > 0 && a.port() != b.port(), a.port() + " " + b.port());
            assertServes(b.address());
        }
    }

    @Test
    void aTakenPortIsReportedWithThePort() throws Exception {
        try (LocalRegistry first = LocalRegistry.start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalRegistry.start(first.port()).close());
            assertTrue(e.getMessage().startsWith("cannot start a local ZooKeeper on 127.0.0.1:" + first.port() + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(is another ZooKeeper running there? choose another port)"), e.getMessage());
            assertServes(first.address());
        }
        assertThrows(IllegalArgumentException.class, () -> LocalRegistry.start(70000));
    }

    /**
     * ZooKeeper's own reaction to a failed bind is System.exit(2): a port taken after the check must not end the JVM
     * (it fails once the start timeout has passed, shortened here).
     */
    @Test
    void aPortTakenAfterTheCheckFailsWithAnExceptionNotAnExit() {
        try (LocalRegistry first = LocalRegistry.start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalRegistry.startServer(first.port(), 2_000).close());
            assertTrue(e.getMessage().startsWith("cannot start a local ZooKeeper on 127.0.0.1:" + first.port() + ": "), e.getMessage());
            assertServes(first.address());
        }
    }

    @Test
    void theCommandLinePrintsTheConnectStringAndTheTernAddress() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int port = freePort();
        try (LocalRegistry zk = LocalRegistry.launch(port, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("\n  connect string: 127.0.0.1:" + port + "\n"), out);
            assertTrue(out.contains("\n  rpc.registry.address=zookeeper://127.0.0.1:" + port + "\n"), out);
            assertTrue(out.endsWith("Stop it with Ctrl-C.\n"), out);
            assertServes(zk.address());
        }
    }
}
