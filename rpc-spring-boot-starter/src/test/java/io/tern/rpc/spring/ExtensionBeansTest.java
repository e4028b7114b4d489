package io.tern.rpc.spring;

import io.tern.rpc.RpcStatusException;
import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import io.tern.rpc.transport.ServerFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Extensions declared as Spring beans: ClientFilter beans join the consumer's calls in @Order, a ServerFilter bean
 * the provider's, and a Registry bean replaces rpc.registry.address (here no ZooKeeper runs at all).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtensionBeansTest {

    /** One in-memory registry shared by both applications, by name. */
    static Registry sharedRegistry() {
        return Registries.create(RegistryConfig.of("mem://extension-beans"));
    }

    @Configuration(proxyBeanMethods = false)
    static class ProviderBeans {
        @Bean
        Registry registry() {
            return sharedRegistry();
        }

        /** Lets through only calls from tenant acme whose client filters ran in order. */
        @Bean
        ServerFilter tenantCheck() {
            return (call, next) -> {
                Map<String, String> a = call.attachments();
                return "acme".equals(a.get("tenant")) && "first,second".equals(a.get("trail")) ? next.invoke(call)
                        : call.reject(Status.BAD_REQUEST, "tenant=" + a.get("tenant") + " trail=" + a.get("trail"));
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ConsumerBeans {
        @Bean
        Registry registry() {
            return sharedRegistry();
        }

        @Bean
        @Order(2)
        ClientFilter second() {
            return (invocation, next) -> {
                Map<String, String> a = invocation.request().attachments();
                a.put("trail", a.get("trail") + ",second");
                return next.invoke(invocation);
            };
        }

        @Bean
        @Order(1)
        ClientFilter first() {
            return (invocation, next) -> {
                invocation.request().attachments().put("tenant", "acme");
                invocation.request().attachments().put("trail", "first");
                return next.invoke(invocation);
            };
        }
    }

    private static final String[] PROVIDER = {"rpc.server.host=127.0.0.1", "rpc.server.advertised-host=127.0.0.1", "rpc.server.port=0",
            "test.name=beans", "rpc.registry.address=zookeeper://127.0.0.1:1"};
    private static final String[] CONSUMER = {"rpc.registry.address=zookeeper://127.0.0.1:1", "rpc.consumer.timeout=3s"};

    @Test
    void filterBeansRunInOrderOnBothSidesOverARegistryBean() {
        try (ConfigurableApplicationContext provider = Apps.run(new Class<?>[]{GreetingApps.Provider.class, ProviderBeans.class}, PROVIDER);
             ConfigurableApplicationContext consumer = Apps.run(new Class<?>[]{GreetingApps.Consumer.class, ConsumerBeans.class}, CONSUMER)) {
            GreetingCaller caller = consumer.getBean(GreetingCaller.class);
            assertTrue(caller.greetings.greet("ann").contains("ann"), "the call passed both filters, found through the registry bean");
        }
    }

    @Test
    void aServerFilterBeanRefusesCallsThatLackWhatItChecks() {
        try (ConfigurableApplicationContext provider = Apps.run(new Class<?>[]{GreetingApps.Provider.class, ProviderBeans.class}, PROVIDER);
             ConfigurableApplicationContext consumer = Apps.run(new Class<?>[]{GreetingApps.Consumer.class, ProviderBeans.class}, CONSUMER)) {
            GreetingCaller caller = consumer.getBean(GreetingCaller.class); // the registry bean, no client filters
            RpcStatusException e = assertThrows(RpcStatusException.class, () -> caller.greetings.greet("bob"));
            assertEquals(Status.BAD_REQUEST, e.status());
            assertTrue(e.getMessage().contains("tenant=null trail=null"), e.getMessage());
        }
    }
}
