package com.example.hello;

import io.tern.rpc.testing.LocalRegistryExtension;
import io.tern.rpc.testsupport.Poll;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's steps, with a local registry on a free port: HelloProvider in its own JVM (as {@code mvn exec:java}
 * runs it), HelloConsumer as {@code exec:java} runs a main (in a thread group it then waits for), then SIGTERM to the
 * provider, whose shutdown hook unregisters it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HelloRunTest {
    private static final String PROVIDERS = "/tern/" + Hello.class.getName() + "/providers";

    @RegisterExtension
    final LocalRegistryExtension zk = new LocalRegistryExtension();
    @TempDir
    Path dir;
    private Process provider;

    @AfterEach
    void stopProvider() throws InterruptedException {
        if (provider != null && provider.isAlive()) {
            provider.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theConsumerGetsTheProvidersAnswerThroughTheRegistry() throws Exception {
        Path providerOutput = dir.resolve("provider.txt");
        provider = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx128m",
                "-Drpc.registry.address=" + zk.address(), "-Drpc.server.port=0",
                "-cp", System.getProperty("java.class.path"), HelloProvider.class.getName())
                .redirectErrorStream(true).redirectOutput(providerOutput.toFile()).start();

        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            curator.start();
            try {
                Poll.until(Duration.ofSeconds(60), "the provider registered at " + PROVIDERS, () -> providers(curator).size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the provider's output:\n" + read(providerOutput), e);
            }
            assertTrue(providers(curator).get(0).startsWith("127.0.0.1:"), () -> providers(curator).toString());

            String printed;
            System.setProperty("rpc.registry.address", zk.address()); // as mvn -Drpc.registry.address=... would
            try {
                printed = runLikeExecJava(() -> HelloConsumer.main(new String[0]));
            } finally {
                System.clearProperty("rpc.registry.address");
            }
            assertTrue(printed.lines().anyMatch("Hello, world"::equals), printed);

            provider.destroy(); // SIGTERM, as Ctrl-C: closeOnShutdown's hook unregisters, drains, closes
            assertTrue(provider.waitFor(60, TimeUnit.SECONDS), () -> "the provider did not stop:\n" + read(providerOutput));
            assertEquals(143, provider.exitValue(), () -> read(providerOutput));
            assertEquals(List.of(), providers(curator), "the provider's registration after SIGTERM");
        }
    }

    /**
     * Runs {@code main} as {@code mvn exec:java} does, in a thread group of its own, with {@link System#out} captured,
     * and fails if threads it started are still alive 15 s after it returned: exec:java waits that long for such
     * threads, then warns.
     */
    private static String runLikeExecJava(Runnable main) throws InterruptedException {
        ThreadGroup group = new ThreadGroup("exec-java-like");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(group, () -> {
            try {
                main.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "main-like");
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            thread.start();
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        original.print(printed);
        assertNull(failure.get(), () -> "main failed: " + failure.get() + "\n" + printed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (group.activeCount() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads still alive 15 s after main returned (exec:java waits as long, then warns): "
                        + threadNames(group));
            }
            Thread.sleep(20);
        }
        return printed;
    }

    private static String threadNames(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 8];
        int n = group.enumerate(threads);
        return Arrays.stream(threads, 0, n).map(Thread::getName).toList().toString();
    }

    private static List<String> providers(CuratorFramework curator) {
        try {
            return curator.checkExists().forPath(PROVIDERS) == null ? List.of() : curator.getChildren().forPath(PROVIDERS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
