package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a provider's context (what SIGTERM does through Spring Boot's shutdown hook) under steady calls:
 * it unregisters, sends GOAWAY, drains in-flight calls, and its consumers see no failed call.
 */
class GracefulStopTest {
    private TestingServer zk;
    private final RunningApps apps = new RunningApps();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = ZooKeepers.server();
    }

    @AfterEach
    void stopAll() throws Exception {
        apps.close();
        zk.close();
    }

    @ParameterizedTest(name = "cluster={0}")
    @ValueSource(strings = {"failfast", "failover"})
    void closingAProviderUnderSteadyCallsFailsNoCall(String cluster) throws Exception {
        ConfigurableApplicationContext a = apps.run(GreetingApps.Provider.class, Apps.provider(zk, "a", "rpc.server.shutdown-grace=10s"));
        apps.run(GreetingApps.Provider.class, Apps.provider(zk, "b"));
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, "rpc.consumer.cluster=" + cluster,
                "rpc.consumer.load-balance=random", "rpc.consumer.timeout=10s"));
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        int portA = a.getBean(RpcProviderLifecycle.class).port();

        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        // a call that stays in flight for a while, so the drain has something to wait for
                        served.computeIfAbsent(greetings.slow(20), k -> new AtomicInteger()).incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    LockSupport.parkNanos(1_000_000); // pacing the load
                }
            }, "steady-calls-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            Poll.until(Duration.ofSeconds(30), "calls served by both providers",
                    () -> count(served, "a") >= 50 && count(served, "b") >= 50);

            a.close(); // unregister, GOAWAY, drain in-flight calls, close: what SIGTERM does
            Poll.until(Duration.ofSeconds(10), "the keep-alive thread to end with the server", () -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("tern-rpc-keep-alive-" + portA) && t.isAlive()));
            int servedByA = count(served, "a");
            int servedByB = count(served, "b");
            Poll.until(Duration.ofSeconds(30), "calls continuing on the remaining provider", () -> count(served, "b") >= servedByB + 200);
            assertEquals(servedByA, count(served, "a"), "no call reaches the stopped provider");
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(20_000);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failed calls, first: " + failures.get(0));
    }

    private static int count(Map<String, AtomicInteger> served, String name) {
        AtomicInteger n = served.get(name);
        return n == null ? 0 : n.get();
    }
}
