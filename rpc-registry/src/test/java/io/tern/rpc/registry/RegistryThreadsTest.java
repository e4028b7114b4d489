package io.tern.rpc.registry;

import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A closed registry leaves no thread behind: {@code mvn exec:java} waits 15 s for the threads a main started (those
 * of its thread group), then warns. Curator's "safe notify" thread, which it never shuts down, used to stay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryThreadsTest {
    private static final String KEY = "io.tern.demo.HelloService";

    @Test
    void closingTheRegistryEndsEveryThreadItStarted() throws Exception {
        try (TestingServer zk = ZooKeepers.server()) {
            ThreadGroup group = new ThreadGroup("registry-user");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<String> seen = new CopyOnWriteArrayList<>();
            Thread user = new Thread(group, () -> {
                try (Registry registry = Registries.create(RegistryConfig.of(ZooKeepers.address(zk.getConnectString())))) {
                    List<List<ProviderInfo>> lists = new CopyOnWriteArrayList<>();
                    registry.subscribe(KEY, lists::add);
                    registry.register(new ProviderInfo(KEY, "127.0.0.1", 7070, 100, "protostuff", 1L, "", "", Map.of()));
                    Poll.until(Duration.ofSeconds(20), "the provider list, from the cache's listener", () -> lists.stream().anyMatch(l -> !l.isEmpty()));
                    seen.addAll(names(group));
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "registry-user-main");
            user.start();
            user.join(TimeUnit.SECONDS.toMillis(30));
            assertNull(failure.get(), () -> "the registry's user failed: " + failure.get());
            assertTrue(seen.contains("tern-registry-notify"), () -> "the cache listeners run on the registry's own thread: " + seen);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (group.activeCount() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("threads still alive 10 s after the registry was closed: " + names(group));
                }
                Thread.sleep(20);
            }
        }
    }

    private static List<String> names(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 8];
        int n = group.enumerate(threads);
        return Arrays.stream(threads, 0, n).map(Thread::getName).toList();
    }
}
