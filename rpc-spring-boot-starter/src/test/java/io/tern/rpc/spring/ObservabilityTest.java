package io.tern.rpc.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tern.rpc.spring.testapp.GreetingException;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.tern.rpc.spring.health.Boot4HealthAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With Micrometer and Actuator present: call timers on both sides and the rpc health contributor. */
class ObservabilityTest {
    private static final String SERVICE = GreetingService.class.getName();
    private static TestingServer zk;
    private static ConfigurableApplicationContext provider;
    private static ConfigurableApplicationContext consumer;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeepers.server();
        // each application with a meter registry of its own
        provider = Apps.run(new Class<?>[] {GreetingApps.Provider.class, SimpleMeterRegistry.class}, Apps.provider(zk, "p"));
        consumer = Apps.run(new Class<?>[] {GreetingApps.Consumer.class, SimpleMeterRegistry.class}, Apps.consumer(zk));
    }

    @AfterAll
    static void stop() throws Exception {
        consumer.close();
        provider.close();
        zk.close();
    }

    @Test
    void callsAreTimedOnBothSidesByServiceMethodAndOutcome() throws Exception {
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        assertEquals("hello x from p", greetings.greet("x"));
        assertEquals("async hello y from p", greetings.greetAsync("y").get(5, TimeUnit.SECONDS));
        assertThrows(GreetingException.class, () -> greetings.fail("no"));

        MeterRegistry client = consumer.getBean(MeterRegistry.class);
        assertEquals(1, timer(client, "rpc.client.calls", "greet", "success", "none").count());
        Poll.until(Duration.ofSeconds(5), "the async call's timer", () -> count(client, "rpc.client.calls", "greetAsync", "success", "none") == 1);
        assertEquals(1, timer(client, "rpc.client.calls", "fail", "error", "GreetingException").count());

        MeterRegistry server = provider.getBean(MeterRegistry.class);
        Poll.until(Duration.ofSeconds(5), "the server-side timers", () -> count(server, "rpc.server.calls", "greet", "success", "none") == 1
                && count(server, "rpc.server.calls", "greetAsync", "success", "none") == 1
                && count(server, "rpc.server.calls", "fail", "error", "GreetingException") == 1);
    }

    @Test
    void healthShowsTheServerAndTheProvidersOfEachReference() {
        Health providerHealth = provider.getBean(Boot4HealthAutoConfiguration.RpcHealthIndicator.class).health();
        assertEquals(Status.UP, providerHealth.getStatus());
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) providerHealth.getDetails().get("server");
        assertEquals(true, server.get("bound"));
        assertEquals(true, server.get("registryConnected"));
        assertEquals(List.of(SERVICE), server.get("services"));

        Health consumerHealth = consumer.getBean(Boot4HealthAutoConfiguration.RpcHealthIndicator.class).health();
        assertEquals(Status.UP, consumerHealth.getStatus());
        @SuppressWarnings("unchecked")
        Map<String, Object> references = (Map<String, Object>) consumerHealth.getDetails().get("references");
        assertEquals(true, references.get("registryConnected"));
        assertEquals(Map.of(SERVICE, 1), references.get("providers"));
        assertTrue(consumerHealth.getDetails().get("server") == null, "a consumer-only application reports no server");
    }

    @Test
    void actuatorsHealthEndpointListsTheRpcContributorAndItCanBeSwitchedOff() {
        // Boot 4's own endpoint, as /actuator/health renders it: the contributor is found by Actuator, named "rpc"
        HealthEndpoint endpoint = provider.getBean(HealthEndpoint.class);
        HealthDescriptor rpc = endpoint.healthForPath("rpc");
        assertTrue(rpc instanceof IndicatedHealthDescriptor, "the rpc contributor is listed: " + endpoint.health());
        assertEquals(Status.UP, rpc.getStatus());
        assertTrue(((IndicatedHealthDescriptor) rpc).getDetails().containsKey("server"), "details shown: " + rpc);

        // management.health.rpc.enabled=false, as for any Boot contributor; the RPC work itself is untouched
        try (ConfigurableApplicationContext off = Apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, "management.health.rpc.enabled=false"))) {
            assertTrue(off.getBeansOfType(Boot4HealthAutoConfiguration.RpcHealthIndicator.class).isEmpty());
            assertEquals(null, off.getBean(HealthEndpoint.class).healthForPath("rpc"));
            assertEquals("hello off from p", off.getBean(GreetingCaller.class).greetings.greet("off"));
        }
    }

    private static Timer timer(MeterRegistry registry, String name, String method, String outcome, String exception) {
        return registry.get(name).tags("service", SERVICE, "method", method, "outcome", outcome, "exception", exception).timer();
    }

    private static long count(MeterRegistry registry, String name, String method, String outcome, String exception) {
        Timer t = registry.find(name).tags("service", SERVICE, "method", method, "outcome", outcome, "exception", exception).timer();
        return t == null ? 0 : t.count();
    }
}
