package io.tern.rpc.testing;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension as an application's test uses it: a Tern provider and consumer meet in its ZooKeeper and call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRegistryExtensionTest {
    @RegisterExtension
    static LocalRegistryExtension zk = new LocalRegistryExtension();

    static String connectStringAtBeforeAll;

    @BeforeAll
    static void registryRunsInBeforeAll() {
        connectStringAtBeforeAll = zk.connectString();
    }

    @Test
    void aProviderAndAConsumerMeetInTheLocalRegistry() {
        assertTrue(zk.connectString().startsWith("127.0.0.1:"), zk.connectString());
        assertEquals("zookeeper://" + zk.connectString(), zk.address());
        assertEquals(connectStringAtBeforeAll, zk.connectString(), "one registry for the class");
        GreeterImpl impl = new GreeterImpl();
        try (TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).build(), zk.registryConfig(), "127.0.0.1");
             TernClient client = new TernClient(ClientConfig.defaults(), zk.registryConfig())) {
            server.export(ServiceExport.of(Greeter.class, impl)).start();
            Greeter greeter = client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(10)));

            assertEquals("hello tern", greeter.hello("tern"));
            assertEquals(1, impl.calls.get());
        }
    }

    @Nested
    class InANestedClass {
        @Test
        void theOuterClassRegistryStillServes() {
            assertEquals(connectStringAtBeforeAll, zk.connectString(), "one registry for the class and its nested classes");
            try (TernServer server = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).build(), zk.registryConfig(), "127.0.0.1");
                 TernClient client = new TernClient(ClientConfig.defaults(), zk.registryConfig())) {
                server.export(ServiceExport.of(Greeter.class, new GreeterImpl())).start();
                assertEquals("hello nested", client.refer(Reference.to(Greeter.class).timeout(Duration.ofSeconds(10))).hello("nested"));
            }
        }
    }
}
