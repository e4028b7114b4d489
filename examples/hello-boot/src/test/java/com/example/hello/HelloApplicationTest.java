package com.example.hello;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.testing.LocalRegistryExtension;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Spring Boot application as a user runs it, its registry address pointed at a local registry on a
 * free port: the runner's call reaches the {@code @RpcService} through ZooKeeper, and closing the application
 * unregisters it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HelloApplicationTest {
    private static final String PROVIDERS = "/tern/" + Hello.class.getName() + "/providers";

    @RegisterExtension
    static final LocalRegistryExtension zk = new LocalRegistryExtension();

    @Test
    void theRunnerPrintsTheAnswerOfTheProviderFoundInTheRegistry() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        ConfigurableApplicationContext app;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            app = SpringApplication.run(HelloApplication.class, "--rpc.registry.address=" + zk.address());
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        original.print(printed);
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            curator.start();
            try (app) {
                assertTrue(printed.lines().anyMatch("Hello, world"::equals), printed);
                List<String> registered = providers(curator);
                assertEquals(1, registered.size(), registered::toString);
                assertTrue(registered.get(0).startsWith("127.0.0.1:"), registered::toString);
                // another process finds it the same way
                try (TernClient client = new TernClient(ClientConfig.defaults(), zk.registryConfig())) {
                    assertEquals("Hello, test", client.refer(Reference.to(Hello.class)).hello("test"));
                }
            }
            Poll.until(Duration.ofSeconds(30), "the application's provider unregistered at " + PROVIDERS, () -> providers(curator).isEmpty());
        }
    }

    private static List<String> providers(CuratorFramework curator) {
        try {
            return curator.checkExists().forPath(PROVIDERS) == null ? List.of() : curator.getChildren().forPath(PROVIDERS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
