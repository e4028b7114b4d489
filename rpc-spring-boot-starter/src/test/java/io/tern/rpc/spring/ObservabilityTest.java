package io.tern.rpc.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With Micrometer and Actuator present (Boot's own observation and metrics auto-configuration): calls are the
 * Observations rpc.client / rpc.server, timed by Boot's meter handler; an RpcCallObserver bean still hears them; and
 * the rpc health contributor.
 */
class ObservabilityTest {
    private static final String SERVICE = GreetingService.class.getName();
    private static TestingServer zk;
    private static ConfigurableApplicationContext provider;
    private static ConfigurableApplicationContext consumer;

    /** Calls each side saw, as the observer bean of each application heard them (side, method, error type). */
    static final class RecordingObserver implements RpcCallObserver {
        final Queue<String> calls = new ConcurrentLinkedQueue<>();

        @Override
        public void onCall(Side side, String serviceKey, String method, long nanos, Throwable error) {
            calls.add(side + " " + method + " " + (error == null ? "ok" : error.getClass().getSimpleName()));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeepers.server();
        // Boot's own ObservationRegistry and SimpleMeterRegistry (spring-boot-micrometer-observation / -metrics), with its
        // DefaultMeterObservationHandler: each application has its own
        provider = Apps.run(new Class<?>[] {GreetingApps.Provider.class, RecordingObserver.class}, Apps.provider(zk, "p"));
        consumer = Apps.run(new Class<?>[] {GreetingApps.Consumer.class, RecordingObserver.class}, Apps.consumer(zk));
    }

    @AfterAll
    static void stop() throws Exception {
        consumer.close();
        provider.close();
        zk.close();
    }

    @Test
    void callsAreObservationsTimedOnBothSidesByServiceMethodAndStatus() throws Exception {
        MeterRegistry server = provider.getBean(MeterRegistry.class);
        long servedBefore = count(server, "rpc.server", "greet", "OK"); // another test calls greet on this provider too
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        assertEquals("hello x from p", greetings.greet("x"));
        assertEquals("async hello y from p", greetings.greetAsync("y").get(5, TimeUnit.SECONDS));
        assertThrows(GreetingException.class, () -> greetings.fail("no"));

        MeterRegistry client = consumer.getBean(MeterRegistry.class);
        Poll.until(Duration.ofSeconds(5), "the client-side timers", () -> count(client, "rpc.client", "greet", "OK") == 1
                && count(client, "rpc.client", "greetAsync", "OK") == 1
                && count(client, "rpc.client", "fail", "APPLICATION_ERROR") == 1);
        // Boot's meter handler adds the error's type: on the consumer, the remote failure as the filter saw it
        assertEquals(1, client.get("rpc.client").tags("rpc.method", "fail", "error", "RemoteException").timer().count());
        assertEquals(1, client.get("rpc.client").tags("rpc.method", "greet", "error", "none").timer().count());

        Poll.until(Duration.ofSeconds(5), "the server-side timers", () -> count(server, "rpc.server", "greet", "OK") == servedBefore + 1
                && count(server, "rpc.server", "greetAsync", "OK") == 1
                && count(server, "rpc.server", "fail", "APPLICATION_ERROR") == 1);
        assertEquals(1, server.get("rpc.server").tags("rpc.method", "fail", "error", "GreetingException").timer().count());
        assertNull(client.find("rpc.client.calls").timer(), "the former per-call timers are gone");
    }

    @Test
    void ternsObservationsAreTimedByTheCheapHandlerAndEveryOtherObservationStillByBoots() {
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        greetings.slow(1); // a method no other test of this class counts
        MeterRegistry client = consumer.getBean(MeterRegistry.class);
        assertEquals(1, client.get("rpc.client").tags("rpc.method", "slow", "rpc.status", "OK", "error", "none").timer().count(), "timed once");
        // Boot's default meter handler would also keep a LongTaskTimer rpc.client.active: it skipped Tern's contexts
        assertNull(client.find("rpc.client.active").longTaskTimer(), "Tern's calls are not timed by Boot's default handler");
        // ... and still times the application's own observations, with its LongTaskTimer
        io.micrometer.observation.ObservationRegistry observations = consumer.getBean(io.micrometer.observation.ObservationRegistry.class);
        io.micrometer.observation.Observation.createNotStarted("app.work", observations).observe(() -> { });
        assertEquals(1, client.get("app.work").tags("error", "none").timer().count());
        assertTrue(client.find("app.work.active").longTaskTimer() != null, "Boot's handler still times other observations");
    }

    @Test
    void anRpcCallObserverBeanStillHearsEveryCallAfterTheObservations() throws Exception {
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        assertEquals("p", greetings.whoAreYou()); // a method no other test of this class calls
        RecordingObserver clientSide = consumer.getBean(RecordingObserver.class);
        RecordingObserver serverSide = provider.getBean(RecordingObserver.class);
        Poll.until(Duration.ofSeconds(5), "both observers heard the call", () -> clientSide.calls.contains("CLIENT whoAreYou ok")
                && serverSide.calls.contains("SERVER whoAreYou ok"));
    }

    @Test
    void bootsObservationSwitchTurnsTheRpcObservationsOff() {
        try (ConfigurableApplicationContext off = Apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, "management.observations.enable.rpc=false"))) {
            assertEquals("hello quiet from p", off.getBean(GreetingCaller.class).greetings.greet("quiet"));
            MeterRegistry meters = off.getBean(MeterRegistry.class);
            assertNull(meters.find("rpc.client").timer(), "no rpc.client timer: " + meters.getMeters().size() + " meters");
            assertNull(meters.find("rpc.client.active").longTaskTimer());
        }
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

    private static long count(MeterRegistry registry, String name, String method, String status) {
        Timer t = registry.find(name).tags("rpc.service", SERVICE, "rpc.method", method, "rpc.status", status).timer();
        return t == null ? 0 : t.count();
    }
}
