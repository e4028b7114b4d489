package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingCaller;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Without ZooKeeper: the consumer names its provider with a direct:// address. */
class DirectRegistryTest {
    @Test
    void consumerCallsAProviderNamedInADirectAddress() {
        try (ConfigurableApplicationContext provider = Apps.run(GreetingApps.Provider.class, Apps.directProvider("direct"))) {
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            try (ConfigurableApplicationContext consumer = Apps.run(GreetingApps.Consumer.class, Apps.directConsumer(port))) {
                assertEquals("hello d from direct", consumer.getBean(GreetingCaller.class).greetings.greet("d"));
            }
        }
    }
}
