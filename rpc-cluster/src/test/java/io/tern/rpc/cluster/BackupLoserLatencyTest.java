package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12, defect 7: when a backup wins, the slow original's latency is still recorded (as a lower bound). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackupLoserLatencyTest {

    /** A Greeter whose hello sleeps {@code delayMillis} first, counting its calls. */
    static Greeter slowGreeter(long delayMillis, AtomicInteger calls) {
        GreeterImpl real = new GreeterImpl();
        return (Greeter) Proxy.newProxyInstance(Greeter.class.getClassLoader(), new Class<?>[]{Greeter.class}, (p, m, args) -> {
            if (m.getName().equals("hello")) {
                calls.incrementAndGet();
                Thread.sleep(delayMillis);
            }
            return m.invoke(real, args);
        });
    }

    static TransportServer serve(Greeter impl) {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        return server.start();
    }

    static ProviderInfo info(TransportServer server) {
        return new ProviderInfo(Greeter.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                System.currentTimeMillis() - 60_000, "", "", Map.of());
    }

    @Test
    void theSlowLoserOfABackupPairTeachesP2cToAvoidIt() throws Exception {
        AtomicInteger slowCalls = new AtomicInteger();
        AtomicInteger fastCalls = new AtomicInteger();
        InMemoryRegistry registry = new InMemoryRegistry();
        try (TransportServer slow = serve(slowGreeter(300, slowCalls));
             TransportServer fast = serve(slowGreeter(0, fastCalls));
             TransportClient rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build());
             Directory directory = new Directory(Greeter.class.getName(), registry, rpc)) {
            // JIT and class loading first, on both sides, outside the directory: a cold first answer from the fast
            // provider would otherwise be its (peak) latency estimate for seconds
            for (TransportServer s : new TransportServer[]{slow, fast}) {
                Greeter direct = Reference.to(Greeter.class).address("127.0.0.1:" + s.port()).timeout(Duration.ofSeconds(5)).create(rpc);
                for (int i = 0; i < (s == slow ? 3 : 50); i++) {
                    direct.noop();
                }
            }
            registry.register(info(slow));
            registry.register(info(fast));
            // the loser's sample is a lower bound, about the backup delay: a stall of the fast provider longer than it
            // (seen on a loaded 2-core machine once backups went out exactly when due, not up to a 10 ms tick later)
            // would make the fast one look slower for seconds, so the delay is well above such stalls
            Reference<Greeter> ref = Reference.to(Greeter.class).timeout(Duration.ofSeconds(5)).loadBalance("p2c")
                    .backupRequest("100ms").idempotent(true).warmup(Duration.ZERO).retryBudget(1.0, 1000);
            Greeter greeter = ref.create(ref.callPath(directory), directory.describe());
            for (int i = 0; i < 5; i++) {
                assertEquals("hello warm" + i, greeter.hello("warm" + i)); // each side has answered or lost once
            }
            int slowBefore = slowCalls.get();
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                assertEquals("hello " + i, greeter.hello(String.valueOf(i)));
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            int firstAttemptsToSlow = slowCalls.get() - slowBefore;
            // without the lower-bound sample the slow provider's EWMA stays at zero, so P2C prefers it for every first
            // attempt and every call waits for its backup (40 x 100 ms at least)
            StringBuilder state = new StringBuilder();
            for (Endpoint e : directory.all()) {
                state.append(' ').append(e.address()).append(e.info().port() == slow.port() ? " (slow)" : " (fast)")
                        .append(" ewma ").append((long) (e.ewmaNanos() / 1000)).append(" us, active ").append(e.active());
            }
            assertTrue(firstAttemptsToSlow <= 8, firstAttemptsToSlow + " of 40 calls went to the slow provider first (" + tookMillis + " ms):" + state);
        }
    }
}
