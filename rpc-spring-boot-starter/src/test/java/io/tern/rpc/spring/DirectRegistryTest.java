package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.spring.testapp.GreetingServiceImpl;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Without ZooKeeper: the consumer names its provider with a direct:// address. */
class DirectRegistryTest {
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(GreetingServiceImpl.class)
    static class ProviderApp {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ConsumerApp {
        @Bean
        Caller caller() {
            return new Caller();
        }
    }

    static class Caller {
        @RpcReference
        GreetingService greetings;
    }

    @Test
    void consumerCallsAProviderNamedInADirectAddress() {
        try (ConfigurableApplicationContext provider = Apps.run(ProviderApp.class, "rpc.registry.address=direct://127.0.0.1:7070",
                "rpc.server.host=127.0.0.1", "rpc.server.port=0", "test.name=direct")) {
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            try (ConfigurableApplicationContext consumer = Apps.run(ConsumerApp.class, "rpc.registry.address=direct://127.0.0.1:" + port)) {
                assertEquals("hello d from direct", consumer.getBean(Caller.class).greetings.greet("d"));
            }
        }
    }
}
