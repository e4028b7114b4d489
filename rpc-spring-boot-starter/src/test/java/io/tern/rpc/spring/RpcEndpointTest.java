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
import org.springframework.context.ConfigurableApplicationContext;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code rpc} Actuator endpoint without a web server, read and written over JMX as an operator would (SPEC §4):
 * the consumer's references with their providers, the provider side, and offline / online.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcEndpointTest {
    private static final String SERVICE = GreetingService.class.getName();
    private TestingServer zk;
    private final RunningApps apps = new RunningApps();
    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = ZooKeepers.server();
    }

    @AfterEach
    void stopAll() throws Exception {
        apps.close();
        zk.close();
    }

    private static String[] jmx(String domain) {
        return new String[] {"spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=rpc", "management.endpoints.jmx.domain=" + domain};
    }

    private Object invoke(String domain, String operation, Object[] args, String[] signature) throws Exception {
        return jmx.invoke(new ObjectName(domain + ":type=Endpoint,name=Rpc"), operation, args, signature);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> view(String domain) {
        try {
            return (Map<String, Object>) invoke(domain, "view", new Object[0], new String[0]);
        } catch (Exception e) {
            throw new IllegalStateException("reading the rpc endpoint of " + domain + " over JMX", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object map, String... path) {
        Object at = map;
        for (String key : path) {
            at = ((Map<String, Object>) at).get(key);
        }
        return (T) at;
    }

    @Test
    void showsReferencesWithTheirProvidersAndTheProviderSideAndTakesAProviderOfflineAndOnline() throws Exception {
        apps.run(GreetingApps.Provider.class, Apps.provider(zk, "p", jmx("tern.provider")));
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk, jmx("tern.consumer")));
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        for (int i = 0; i < 20; i++) {
            assertEquals("hello " + i + " from p", greetings.greet(Integer.toString(i)));
        }

        Map<String, Object> consumerView = view("tern.consumer");
        assertEquals(null, consumerView.get("server"), "a consumer-only application has no server: " + consumerView);
        List<Map<String, Object>> references = at(consumerView, "references");
        assertEquals(1, references.size(), consumerView.toString());
        Map<String, Object> reference = references.get(0);
        assertEquals(SERVICE, reference.get("serviceKey"));
        assertTrue(((Number) reference.get("calls")).longValue() >= 20, reference.toString());
        for (String field : List.of("settings", "retriesSent", "backupsSent", "retryBudgetLevel", "budgetRefusals", "backupRate")) {
            assertTrue(reference.containsKey(field), field + " in " + reference);
        }
        List<Map<String, Object>> providers = at(reference, "providers");
        assertEquals(1, providers.size(), reference.toString());
        Map<String, Object> provider = providers.get(0);
        assertEquals("connected", provider.get("state"));
        assertEquals(100, ((Number) provider.get("weight")).intValue());
        assertEquals(0, ((Number) provider.get("ejectedUntilMillis")).longValue());
        assertTrue(((Number) provider.get("sent")).longValue() >= 20, provider.toString());
        assertTrue(((Number) provider.get("ewmaMillis")).doubleValue() > 0 && provider.containsKey("inFlight"), provider.toString());
        String address = (String) provider.get("address");

        Map<String, Object> server = at(view("tern.provider"), "server");
        assertEquals(address, server.get("address"));
        assertEquals(List.of(SERVICE), server.get("services"));
        assertEquals("CONNECTED", server.get("registry"));
        assertEquals(true, server.get("online"));
        assertEquals(1, ((Number) server.get("connections")).intValue(), server.toString());
        for (String field : List.of("inFlight", "executorOutstanding", "executorThreads", "serverBusy")) {
            assertTrue(server.containsKey(field), field + " in " + server);
        }

        // offline: unregistered everywhere, still serving; the consumer no longer lists it (it keeps it as a fallback)
        Map<String, Object> offline = at(invoke("tern.provider", "state", new Object[] {"offline"}, new String[] {String.class.getName()}));
        assertEquals(false, offline.get("online"));
        assertEquals(true, offline.get("serving"));
        Poll.until(Duration.ofSeconds(10), "the consumer sees the provider leave the registry", () -> {
            List<Map<String, Object>> now = at(view("tern.consumer"), "references");
            List<Map<String, Object>> listed = at(now.get(0), "providers");
            return listed.stream().noneMatch(p -> "connected".equals(p.get("state")));
        });
        assertEquals("hello fallback from p", greetings.greet("fallback"), "a call still finds the only provider, lingering");

        Map<String, Object> online = at(invoke("tern.provider", "state", new Object[] {"online"}, new String[] {String.class.getName()}));
        assertEquals(true, online.get("online"));
        Poll.until(Duration.ofSeconds(10), "the consumer lists the provider again", () -> {
            List<Map<String, Object>> now = at(view("tern.consumer"), "references");
            List<Map<String, Object>> listed = at(now.get(0), "providers");
            return listed.stream().anyMatch(p -> "connected".equals(p.get("state")));
        });

        // a wrong request is refused with what to send (over HTTP: 400 with this message)
        JMException wrong = assertThrows(JMException.class,
                () -> invoke("tern.provider", "state", new Object[] {"sideways"}, new String[] {String.class.getName()}));
        assertTrue(wrong.getMessage().contains("state must be 'offline' or 'online', not 'sideways'"), wrong.toString());
        JMException noServer = assertThrows(JMException.class,
                () -> invoke("tern.consumer", "state", new Object[] {"offline"}, new String[] {String.class.getName()}));
        assertTrue(noServer.getMessage().contains("exports no @RpcService"), noServer.toString());
    }
}
