package io.tern.rpc.spring;

import io.tern.rpc.RpcException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS (mutual) and the shared token, configured only through application properties. */
class TlsAndTokenPropertiesTest {
    static final String PASS = io.tern.rpc.testsupport.TestCertificates.PASSWORD;
    @TempDir
    static Path dir;
    static TestingServer zk;
    static ConfigurableApplicationContext provider;

    static class Caller {
        @RpcReference(timeout = "3s", cluster = "failfast")
        GreetingService greeting;
    }

    static File serverKs;
    static File clientKs;
    static File serverTrust;
    static File clientTrust;

    @BeforeAll
    static void start() throws Exception {
        io.tern.rpc.testsupport.TestCertificates certs = io.tern.rpc.testsupport.TestCertificates.create(dir);
        serverKs = certs.serverKeyStore();
        clientKs = certs.clientKeyStore();
        clientTrust = certs.clientTrustStore();
        serverTrust = certs.serverTrustStore();
        zk = ZooKeepers.server();
        provider = Apps.run(GreetingApps.Provider.class, Apps.provider(zk, "secure",
                "rpc.tls.enabled=true", "rpc.tls.key-store=" + serverKs, "rpc.tls.key-store-password=" + PASS,
                "rpc.tls.trust-store=" + serverTrust, "rpc.tls.trust-store-password=" + PASS, "rpc.tls.client-auth=require",
                "rpc.security.token=t0ken-xyz", "rpc.server.max-connections=64"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (provider != null) {
            provider.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    static String[] consumer(String... extra) {
        List<String> p = new ArrayList<>(List.of(extra));
        p.add("rpc.consumer.max-pending-calls=1000");
        return Apps.consumer(zk, p.toArray(String[]::new));
    }

    @Test
    void consumerWithTrustedCertificateAndTokenIsServed() throws Exception {
        try (ConfigurableApplicationContext c = Apps.run(Apps.starterWith(Caller.class), consumer("rpc.tls.enabled=true",
                "rpc.tls.trust-store=" + clientTrust, "rpc.tls.trust-store-password=" + PASS,
                "rpc.tls.key-store=" + clientKs, "rpc.tls.key-store-password=" + PASS, "rpc.security.token=t0ken-xyz"))) {
            assertEquals("hello ann from secure", c.getBean(Caller.class).greeting.greet("ann"));
            assertEquals(1000, c.getBean(RpcProperties.class).getConsumer().getMaxPendingCalls());
        }
    }

    @Test
    void consumerWithoutTheTokenIsRefused() {
        try (ConfigurableApplicationContext c = Apps.run(Apps.starterWith(Caller.class), consumer("rpc.tls.enabled=true",
                "rpc.tls.trust-store=" + clientTrust, "rpc.tls.trust-store-password=" + PASS,
                "rpc.tls.key-store=" + clientKs, "rpc.tls.key-store-password=" + PASS, "rpc.security.token=wrong"))) {
            RpcStatusException e = assertThrows(RpcStatusException.class, () -> c.getBean(Caller.class).greeting.greet("eve"));
            assertEquals(Status.BAD_REQUEST, e.status());
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        }
    }

    @Test
    void plaintextConsumerCannotCallATlsProvider() {
        try (ConfigurableApplicationContext c = Apps.run(Apps.starterWith(Caller.class), consumer("rpc.security.token=t0ken-xyz"))) {
            assertThrows(RpcException.class, () -> c.getBean(Caller.class).greeting.greet("plain"));
        }
    }

    @Test
    void unknownClientAuthValueFailsStartUpNamingTheProperty() {
        String failure = Apps.startupFailure(GreetingApps.Provider.class, Apps.provider(zk, "bad", "rpc.tls.enabled=true",
                "rpc.tls.key-store=" + serverKs, "rpc.tls.key-store-password=" + PASS, "rpc.tls.client-auth=maybe"));
        Apps.assertMentions(failure, "rpc.tls.client-auth", "none, optional or require");
    }

    @Test
    void missingKeyStoreFailsStartUpNamingTheProperty() {
        String failure = Apps.startupFailure(GreetingApps.Provider.class, Apps.provider(zk, "bad", "rpc.tls.enabled=true",
                "rpc.tls.key-store=/nonexistent/keys.p12", "rpc.tls.key-store-password=" + PASS));
        Apps.assertMentions(failure, "rpc.tls.key-store");
    }
}
