package io.tern.rpc.cluster;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 3: with a per-attempt timeout, an idempotent call whose first provider is slow is retried on
 * another provider within its deadline; without it, the slow attempt takes the whole deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AttemptTimeoutTest {

    /** Always tries the slow provider first while it is a candidate. */
    private static LoadBalancer slowFirst(int slowPort) {
        return new LoadBalancer() {
            @Override
            public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
                for (Endpoint e : candidates) {
                    if (e.info().port() == slowPort) {
                        return e;
                    }
                }
                return candidates.get(0);
            }
        };
    }

    @Test
    void aSlowAttemptOfAnIdempotentCallIsCutAndRetriedElsewhereWithinTheDeadline() throws Exception {
        AtomicInteger slowCalls = new AtomicInteger();
        AtomicInteger fastCalls = new AtomicInteger();
        InMemoryRegistry registry = new InMemoryRegistry();
        try (TransportServer slow = BackupLoserLatencyTest.serve(BackupLoserLatencyTest.slowGreeter(3000, slowCalls));
             TransportServer fast = BackupLoserLatencyTest.serve(BackupLoserLatencyTest.slowGreeter(0, fastCalls));
             TransportClient rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build());
             Directory directory = new Directory(Greeter.class.getName(), registry, rpc)) {
            registry.register(BackupLoserLatencyTest.info(slow));
            registry.register(BackupLoserLatencyTest.info(fast));
            Reference<Greeter> base = Reference.to(Greeter.class).timeout(Duration.ofSeconds(1)).retries(2)
                    .loadBalancer(slowFirst(slow.port())).warmup(Duration.ZERO);

            Reference<Greeter> perAttempt = base.idempotent(true).attemptTimeout(Duration.ofMillis(200));
            Greeter cut = perAttempt.create(perAttempt.callPath(directory), directory.describe());
            long start = System.nanoTime();
            assertEquals("hello cut", cut.hello("cut"));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 190 && tookMillis < 900, "answered after " + tookMillis + " ms: the slow attempt was cut at 200 ms");
            assertEquals(1, slowCalls.get());
            assertEquals(1, fastCalls.get());

            Reference<Greeter> wholeDeadline = Reference.to(Greeter.class).timeout(Duration.ofSeconds(1)).retries(2)
                    .loadBalancer(slowFirst(slow.port())).warmup(Duration.ZERO).idempotent(true);
            Greeter uncut = wholeDeadline.create(wholeDeadline.callPath(directory), directory.describe());
            RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> uncut.hello("uncut"));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(2, slowCalls.get());
            assertEquals(1, fastCalls.get(), "without a per-attempt timeout the slow attempt used the whole deadline");
        }
    }

    @Test
    void aNonIdempotentCallIsNeverCutByTheAttemptTimeout() throws Exception {
        AtomicInteger slowCalls = new AtomicInteger();
        InMemoryRegistry registry = new InMemoryRegistry();
        try (TransportServer slow = BackupLoserLatencyTest.serve(BackupLoserLatencyTest.slowGreeter(400, slowCalls));
             TransportClient rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build());
             Directory directory = new Directory(Greeter.class.getName(), registry, rpc)) {
            registry.register(BackupLoserLatencyTest.info(slow));
            Reference<Greeter> ref = Reference.to(Greeter.class).timeout(Duration.ofSeconds(3)).attemptTimeout(Duration.ofMillis(100));
            Greeter greeter = ref.create(ref.callPath(directory), directory.describe());
            assertEquals("hello once", greeter.hello("once"), "it may not be retried, so it keeps the whole deadline");
            assertEquals(1, slowCalls.get());
        }
    }
}
