package io.tern.rpc.spring;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.spring.testapp.BlueGreetingService;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingException;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider application and a consumer application, each a real Spring Boot context, through a real ZooKeeper. */
class ProviderConsumerTest {
    private static TestingServer zk;
    private static ConfigurableApplicationContext provider;
    private static ConfigurableApplicationContext consumer;

    static class Caller {
        @RpcReference
        GreetingService plain;

        @RpcReference
        GreetingService plainToo;

        @RpcReference(version = "2.0", group = "blue", timeout = "1500ms", cluster = "failfast", retries = 0, loadBalance = "random",
                serialization = "kryo", compression = "gzip", backupRequest = "p95", idempotent = true)
        GreetingService blue;

        @RpcReference(timeout = "300ms")
        GreetingService impatient;
    }

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeepers.server();
        provider = Apps.run(new Class<?>[] {GreetingApps.Provider.class, BlueGreetingService.class}, Apps.provider(zk, "p1", "rpc.server.weight=150",
                "rpc.server.serializations=protostuff,kryo"));
        consumer = Apps.run(Apps.starterWith(Caller.class), Apps.consumer(zk, "rpc.consumer.timeout=5s", "rpc.consumer.retries=3",
                "rpc.consumer.load-balance=round-robin", "rpc.consumer.cluster=failover", "rpc.serialization=protostuff"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        if (provider != null) {
            provider.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static Caller caller() {
        return consumer.getBean(Caller.class);
    }

    @Test
    void consumerCallsProviderSyncAndAsync() throws Exception {
        assertEquals("hello ann from p1", caller().plain.greet("ann"));
        assertEquals("async hello bob from p1", caller().plain.greetAsync("bob").get(5, TimeUnit.SECONDS));
    }

    @Test
    void providerExceptionReachesTheCallerAsTheSameType() {
        GreetingException e = assertThrows(GreetingException.class, () -> caller().plain.fail("no greeting today"));
        assertEquals("no greeting today", e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("the cause", e.getCause().getMessage());
    }

    @Test
    void fieldsWithEqualSettingsShareOneProxy() {
        RpcReferences references = consumer.getBean(RpcReferences.class);
        assertSame(caller().plain, caller().plainToo);
        assertNotSame(caller().plain, caller().blue);
        assertSame(caller().plain, references.get(GreetingService.class), "a reference made in code shares the equal field's proxy");
        assertEquals(3, references.size());
    }

    @Test
    void annotationAttributesOverrideProperties() throws Exception {
        RpcReferences references = consumer.getBean(RpcReferences.class);
        RpcReferences.Key fromProperties = references.resolve(GreetingService.class,
                ReferenceSettings.of(Caller.class.getDeclaredField("plain").getAnnotation(RpcReference.class)), "plain");
        assertEquals(new RpcReferences.Key(GreetingService.class, "", "", Duration.ofSeconds(5), "round-robin", "failover", 3, "off",
                "protostuff", "none", false), fromProperties);
        RpcReferences.Key fromAnnotation = references.resolve(GreetingService.class,
                ReferenceSettings.of(Caller.class.getDeclaredField("blue").getAnnotation(RpcReference.class)), "blue");
        assertEquals(new RpcReferences.Key(GreetingService.class, "2.0", "blue", Duration.ofMillis(1500), "random", "failfast", 0, "p95",
                "kryo", "gzip", true), fromAnnotation);

        // and they take effect: version/group reach the other export, the short timeout fails a slow call
        assertEquals("blue hello cy", caller().blue.greet("cy"));
        assertEquals("blue async hello di", caller().blue.greetAsync("di").get(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertThrows(RpcTimeoutException.class, () -> caller().impatient.slow(3000));
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2500), "the 300ms annotation timeout beats the 5s property");
    }

    @Test
    void serviceWeightComesFromTheAnnotationOrElseTheProperty() throws Exception {
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
            curator.start();
            assertTrue(curator.blockUntilConnected(10, TimeUnit.SECONDS));
            String plainPath = "/tern/" + GreetingService.class.getName() + "/providers";
            String bluePath = "/tern/" + GreetingService.class.getName() + ":2.0@blue/providers";
            List<String> plainNodes = curator.getChildren().forPath(plainPath);
            List<String> blueNodes = curator.getChildren().forPath(bluePath);
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            assertEquals(List.of("127.0.0.1:" + port), plainNodes);
            assertEquals(List.of("127.0.0.1:" + port), blueNodes);
            String plainData = new String(curator.getData().forPath(plainPath + "/" + plainNodes.get(0)), StandardCharsets.UTF_8);
            String blueData = new String(curator.getData().forPath(bluePath + "/" + blueNodes.get(0)), StandardCharsets.UTF_8);
            assertTrue(plainData.contains("weight=150"), plainData);
            assertTrue(blueData.contains("weight=250"), blueData);
            assertTrue(blueData.contains("version=2.0") && blueData.contains("group=blue"), blueData);
        }
    }

    @Test
    void providerSideStartsOnlyWhenSomeBeanCarriesRpcService() {
        RpcProviderLifecycle providerSide = provider.getBean(RpcProviderLifecycle.class);
        assertTrue(providerSide.port() > 0);
        assertEquals(List.of(GreetingService.class.getName(), GreetingService.class.getName() + ":2.0@blue"),
                providerSide.serviceKeys().stream().sorted().toList());

        RpcProviderLifecycle consumerSide = consumer.getBean(RpcProviderLifecycle.class);
        assertEquals(-1, consumerSide.port());
        assertTrue(consumerSide.serviceKeys().isEmpty());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("tern-rpc-keep-alive--1")));
    }

    @Test
    void providerWithoutWebServerKeepsAJvmThreadAliveWhileServing() {
        int port = provider.getBean(RpcProviderLifecycle.class).port();
        Thread keepAlive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("tern-rpc-keep-alive-" + port)).findFirst().orElseThrow();
        assertTrue(keepAlive.isAlive());
        assertFalse(keepAlive.isDaemon(), "a non-daemon thread keeps the JVM running after main returns");
    }
}
