package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.tern.rpc.spring.health.Boot4HealthAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code rpc} health contributor is DOWN only when the application cannot serve or call; a registry outage is a
 * detail, because calls keep working from the cached provider lists (issue 12, defect 9).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcHealthTest {
    private static final String SERVICE = GreetingService.class.getName();
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

    private static Health health(ConfigurableApplicationContext c) {
        return c.getBean(Boot4HealthAutoConfiguration.RpcHealthIndicator.class).health();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(ConfigurableApplicationContext c, String name) {
        Object d = health(c).getDetails().get(name);
        return d == null ? Map.of() : (Map<String, Object>) d;
    }

    @Test
    void aZooKeeperOutageKeepsHealthUpWithTheRegistryStateAsADetailAndCallsKeepWorking() throws Exception {
        // a short session, so the outage outlasts it: the worst case, the session expires (LOST)
        ConfigurableApplicationContext provider = apps.run(GreetingApps.Provider.class, Apps.provider(zk, "p", "rpc.registry.session-timeout=2s"));
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, "rpc.registry.session-timeout=2s"));
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        assertEquals("hello before from p", greetings.greet("before"));
        assertEquals(Status.UP, health(provider).getStatus());
        assertEquals(Status.UP, health(consumer).getStatus());
        assertEquals(true, detail(consumer, "references").get("registryConnected"));

        zk.stop();
        Poll.until(Duration.ofSeconds(20), "both registry sessions see the outage",
                () -> Boolean.FALSE.equals(detail(provider, "server").get("registryConnected"))
                        && Boolean.FALSE.equals(detail(consumer, "references").get("registryConnected")));
        assertEquals(Status.UP, health(consumer).getStatus(), "a consumer calling from its cached provider list is UP: " + health(consumer));
        assertEquals(Status.UP, health(provider).getStatus(), "a provider still serving is UP: " + health(provider));
        assertEquals("hello during from p", greetings.greet("during"), "calls keep working without ZooKeeper");
        String registry = (String) detail(consumer, "references").get("registry");
        assertTrue(registry.startsWith("disconnected since ") && registry.endsWith("serving from the cached provider list"), registry);
        assertEquals(Map.of(SERVICE, 1), detail(consumer, "references").get("available"));

        Poll.until(Duration.ofSeconds(20), "the consumer's session expires while ZooKeeper is down",
                () -> "LOST".equals(detail(consumer, "references").get("registryState")));
        assertEquals(Status.UP, health(consumer).getStatus(), "still calling after the session expired: " + health(consumer));
        assertEquals(Status.UP, health(provider).getStatus(), "still serving after the session expired: " + health(provider));
        assertEquals("hello expired from p", greetings.greet("expired"));
        assertTrue(((String) detail(consumer, "references").get("registry")).startsWith("disconnected since "),
                "the disconnection keeps the time it began: " + detail(consumer, "references"));

        zk.restart();
        Poll.until(Duration.ofSeconds(30), "both sessions reconnect",
                () -> "connected".equals(detail(provider, "server").get("registry"))
                        && "connected".equals(detail(consumer, "references").get("registry")));
        assertEquals(Status.UP, health(consumer).getStatus());
        assertEquals("hello after from p", greetings.greet("after"));
    }

    @Test
    void aReferenceWithNoUsableProviderIsDownUntilOneRegisters() {
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk));
        Poll.until(Duration.ofSeconds(10), "the reference's (empty) provider list arrives",
                () -> Map.of(SERVICE, 0).equals(detail(consumer, "references").get("providers")));
        Health noProvider = health(consumer);
        assertEquals(Status.DOWN, noProvider.getStatus(), "every call of a reference with no provider fails: " + noProvider);
        assertEquals(List.of(SERVICE), detail(consumer, "references").get("noProvider"));
        assertEquals("connected", detail(consumer, "references").get("registry"), "the registry is fine: the providers are missing");

        apps.run(GreetingApps.Provider.class, Apps.provider(zk, "late"));
        Poll.until(Duration.ofSeconds(10), "UP once a provider registers", () -> health(consumer).getStatus().equals(Status.UP));
        assertEquals(Map.of(SERVICE, 1), detail(consumer, "references").get("available"));
        assertEquals("hello x from late", consumer.getBean(GreetingCaller.class).greetings.greet("x"));
    }

    @Test
    void aProviderIsDownWhileItsServerDrainsAndAfterItStopped() throws Exception {
        ConfigurableApplicationContext provider = apps.run(GreetingApps.Provider.class, Apps.provider(zk, "p", "rpc.server.shutdown-grace=20s"));
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, "rpc.consumer.timeout=15s"));
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        assertEquals("p", greetings.whoAreYou());
        assertEquals(Status.UP, health(provider).getStatus());

        // a call in flight holds the drain open
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> greetings.slow(3_000));
        Poll.until(Duration.ofSeconds(5), "the slow call reached the provider",
                () -> provider.getBean(RpcProviderLifecycle.class).server().transportServer().inFlight() == 1);
        RpcProviderLifecycle lifecycle = provider.getBean(RpcProviderLifecycle.class);
        Object serving = detail(provider, "server").get("status");
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(lifecycle::stop);
        Poll.until(Duration.ofSeconds(5), "the provider begins to stop", () -> !lifecycle.isRunning());
        Health draining = health(provider);
        assertEquals(Status.DOWN, draining.getStatus(), "a draining provider takes no new calls: " + draining);
        assertEquals("draining", detail(provider, "server").get("status"), "(it was serving: " + serving + ")");
        assertTrue(!slow.isDone(), "the slow call was still in flight while the health was read");

        stopping.get(30, TimeUnit.SECONDS);
        assertEquals("p", slow.get(30, TimeUnit.SECONDS), "the call in flight finished during the drain");
        Health stopped = health(provider);
        assertEquals(Status.DOWN, stopped.getStatus(), "a provider whose server stopped cannot serve: " + stopped);
        assertEquals("stopped", detail(provider, "server").get("status"));
    }
}
