package io.tern.rpc.testing;

import io.tern.rpc.testsupport.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalRegistry#main} in its own JVM, as {@code mvn exec:java} runs it: it prints where it listens, serves
 * until the JVM is stopped (SIGTERM here, as Ctrl-C's SIGINT), and its shutdown hook deletes the data directory.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalRegistryMainTest {
    @TempDir
    Path dir;
    private Process process;
    private Path outputFile;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Output to a file: Process.destroy() closes the pipes, which would lose the lines of the shutdown. */
    private void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-cp",
                System.getProperty("java.class.path"), "-Xmx128m", LocalRegistry.class.getName()));
        command.addAll(List.of(args));
        outputFile = dir.resolve("out.txt");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile()).start();
    }

    private String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void printsTheConnectStringServesUntilStoppedAndCleansUp() throws Exception {
        int port = LocalRegistryTest.freePort();
        run("--port", Integer.toString(port));
        Poll.until(Duration.ofSeconds(60), "the connect string is printed", () -> output().contains("Stop it with Ctrl-C."));
        String out = output();
        assertTrue(out.contains("  connect string: 127.0.0.1:" + port + "\n"), out);
        assertTrue(out.contains("  rpc.registry.address=zookeeper://127.0.0.1:" + port + "\n"), out);
        Matcher data = Pattern.compile("data in (\\S+) \\(deleted on exit\\)").matcher(out);
        assertTrue(data.find(), out);
        Path dataDirectory = Path.of(data.group(1));
        assertTrue(Files.isDirectory(dataDirectory), dataDirectory.toString());

        LocalRegistryTest.assertServes("zookeeper://127.0.0.1:" + port);
        assertTrue(process.isAlive(), "main keeps running");

        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
        assertEquals(143, process.exitValue(), output());
        assertFalse(Files.exists(dataDirectory), "the shutdown hook deleted " + dataDirectory + "\n" + output());
    }

    @Test
    void aTakenPortPrintsWhyAndExits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            run("--port", Integer.toString(taken.getLocalPort()));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, process.exitValue(), output());
            assertTrue(output().contains("cannot start a local ZooKeeper on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (is another ZooKeeper running there? choose another port)\n"), output());
        }
    }

    @Test
    void aBadArgumentPrintsTheUsageAndExits2() throws Exception {
        run("--prot", "2182");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output());
        assertTrue(output().startsWith("unknown argument '--prot'\n" + CommandLine.USAGE), output());
    }
}
