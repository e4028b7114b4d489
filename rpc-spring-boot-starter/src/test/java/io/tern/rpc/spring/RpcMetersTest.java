package io.tern.rpc.spring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-provider and provider-side meters read what the views say, tagged by service and provider. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcMetersTest {
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

    @Test
    void metersShowEachProviderOfEachReferenceAndTheProviderSide() {
        ConfigurableApplicationContext provider = apps.run(GreetingApps.Provider.class, Apps.provider(zk, "p"));
        ConfigurableApplicationContext consumer = apps.run(GreetingApps.Consumer.class, Apps.consumer(zk));
        GreetingService greetings = consumer.getBean(GreetingCaller.class).greetings;
        for (int i = 0; i < 10; i++) {
            greetings.greet("m" + i);
        }
        String address = "127.0.0.1:" + provider.getBean(RpcProviderLifecycle.class).port();

        SimpleMeterRegistry client = new SimpleMeterRegistry();
        RpcMeters consumerMeters = consumer.getBean(RpcMeters.class);
        consumerMeters.bindTo(client); // Spring Boot binds MeterBinder beans to its registries; these tests make their own
        consumerMeters.refresh();
        assertEquals(1.0, client.get("rpc.client.provider.connected").tags("rpc.service", SERVICE, "rpc.provider", address).gauge().value());
        assertEquals(0.0, client.get("rpc.client.provider.ejected").tags("rpc.service", SERVICE, "rpc.provider", address).gauge().value());
        assertEquals(0.0, client.get("rpc.client.provider.in.flight").tags("rpc.service", SERVICE, "rpc.provider", address).gauge().value());
        assertTrue(client.get("rpc.client.provider.latency").tags("rpc.service", SERVICE, "rpc.provider", address).gauge().value() > 0);
        assertEquals(0.0, client.get("rpc.client.retries").tags("rpc.service", SERVICE).functionCounter().count());
        assertEquals(0.0, client.get("rpc.client.backups").tags("rpc.service", SERVICE).functionCounter().count());
        assertEquals(0.0, client.get("rpc.client.retry.budget.refusals").tags("rpc.service", SERVICE).functionCounter().count());
        assertEquals(0.0, client.get("rpc.client.provider.ejections").tags("rpc.service", SERVICE).functionCounter().count());
        assertTrue(client.get("rpc.client.retry.budget.level").tags("rpc.service", SERVICE).gauge().value() > 0);

        SimpleMeterRegistry server = new SimpleMeterRegistry();
        provider.getBean(RpcMeters.class).bindTo(server);
        assertEquals(1.0, server.get("rpc.server.connections").gauge().value());
        assertEquals(1.0, server.get("rpc.server.online").gauge().value());
        assertEquals(0.0, server.get("rpc.server.in.flight").gauge().value());
        assertEquals(0.0, server.get("rpc.server.executor.outstanding").gauge().value());
        assertEquals(0.0, server.get("rpc.server.busy").functionCounter().count());
        provider.getBean(RpcProviderLifecycle.class).server().offline();
        assertEquals(0.0, server.get("rpc.server.online").gauge().value(), "read live, at scrape time");
    }
}
