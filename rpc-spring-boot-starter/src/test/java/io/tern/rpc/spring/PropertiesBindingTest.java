package io.tern.rpc.spring;

import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rpc.* property binds from application properties; defaults are SPEC §4's; metadata documents them all. */
class PropertiesBindingTest {
    static final String[] EVERY_PROPERTY = {
            "rpc.enabled=true",
            "rpc.fail-on-unknown-properties=false",
            "rpc.serialization=kryo",
            "rpc.compression=gzip",
            "rpc.compression-threshold=2KB",
            "rpc.max-frame-length=4MB",
            "rpc.registry.address=zookeeper://10.0.0.1:2181,10.0.0.2:2181",
            "rpc.registry.session-timeout=20s",
            "rpc.registry.connect-timeout=7s",
            "rpc.registry.root-path=/tern-test",
            "rpc.registry.retry-base-sleep=250ms",
            "rpc.registry.retry-max-retries=5",
            "rpc.registry.username=tern-provider",
            "rpc.registry.password=zk-secret",
            "rpc.server.port=7171",
            "rpc.server.host=127.0.0.1",
            "rpc.server.advertised-host=10.1.2.3",
            "rpc.server.io-threads=3",
            "rpc.server.executor-threads=32",
            "rpc.server.executor-queue=512",
            "rpc.server.executor-parallelism=3",
            "rpc.server.idle-timeout=90s",
            "rpc.server.shutdown-grace=15s",
            "rpc.server.weight=300",
            "rpc.consumer.timeout=1500ms",
            "rpc.consumer.cluster=failfast",
            "rpc.consumer.retries=4",
            "rpc.consumer.load-balance=least-active",
            "rpc.consumer.backup-request=p95",
            "rpc.consumer.hash-arguments=1,0",
            "rpc.consumer.retry-budget-ratio=0.2",
            "rpc.consumer.retry-budget-min-per-second=20",
            "rpc.consumer.warmup=30s",
            "rpc.consumer.attempt-timeout=250ms",
            "rpc.consumer.connect-timeout=2s",
            "rpc.consumer.io-threads=2",
            "rpc.consumer.reconnect-backoff-min=100ms",
            "rpc.consumer.reconnect-backoff-max=10s",
            "rpc.consumer.callback-executor=default",
            "rpc.consumer.outlier.consecutive-failures=7",
            "rpc.consumer.outlier.max-ejected-percent=30",
            "rpc.consumer.outlier.base-ejection-time=10s",
            "rpc.consumer.outlier.max-ejection-time=2m",
            "rpc.consumer.failure-detector.enabled=false",
            "rpc.consumer.failure-detector.phi-suspect=4.5",
            "rpc.consumer.failure-detector.phi-eject=10",
            "rpc.consumer.failure-detector.min-std-dev=250ms",
            "rpc.heartbeat.interval=5s",
            "rpc.server.max-connections=100",
            "rpc.server.max-connections-per-peer=20",
            "rpc.server.serializations=protostuff,kryo",
            "rpc.server.max-buffered-bytes=64MB",
            "rpc.server.frame-timeout=5s",
            "rpc.server.min-frame-rate=128KB",
            "rpc.consumer.max-pending-calls=5000",
            "rpc.security.token=abc123",
            "rpc.tls.enabled=true",
            "rpc.tls.key-store=/etc/tern/keys.p12",
            "rpc.tls.key-store-password=kpass",
            "rpc.tls.cert-chain=/etc/tern/chain.pem",
            "rpc.tls.private-key=/etc/tern/key.pem",
            "rpc.tls.trust-store=/etc/tern/trust.p12",
            "rpc.tls.trust-store-password=tpass",
            "rpc.tls.trust-certs=/etc/tern/ca.pem",
            "rpc.tls.client-auth=require",
            "rpc.tls.verify-hostname=false",
    };

    @Test
    void everyPropertyBinds() {
        try (ConfigurableApplicationContext c = Apps.run(GreetingApps.Starter.class, EVERY_PROPERTY)) {
            RpcProperties p = c.getBean(RpcProperties.class);
            assertTrue(p.isEnabled());
            assertFalse(p.isFailOnUnknownProperties());
            assertEquals("kryo", p.getSerialization());
            assertEquals("gzip", p.getCompression());
            assertEquals(DataSize.ofKilobytes(2), p.getCompressionThreshold());
            assertEquals(DataSize.ofMegabytes(4), p.getMaxFrameLength());

            RpcRegistryProperties r = p.getRegistry();
            assertEquals("zookeeper://10.0.0.1:2181,10.0.0.2:2181", r.getAddress());
            assertEquals(Duration.ofSeconds(20), r.getSessionTimeout());
            assertEquals(Duration.ofSeconds(7), r.getConnectTimeout());
            assertEquals("/tern-test", r.getRootPath());
            assertEquals(Duration.ofMillis(250), r.getRetryBaseSleep());
            assertEquals(5, r.getRetryMaxRetries());
            assertEquals("tern-provider", r.getUsername());
            assertEquals("zk-secret", r.getPassword());

            RpcServerProperties s = p.getServer();
            assertEquals(7171, s.getPort());
            assertEquals("127.0.0.1", s.getHost());
            assertEquals("10.1.2.3", s.getAdvertisedHost());
            assertEquals(3, s.getIoThreads());
            assertEquals(32, s.getExecutorThreads());
            assertEquals(512, s.getExecutorQueue());
            assertEquals(Duration.ofSeconds(90), s.getIdleTimeout());
            assertEquals(Duration.ofSeconds(15), s.getShutdownGrace());
            assertEquals(300, s.getWeight());
            assertEquals(20, s.getMaxConnectionsPerPeer());
            assertEquals("protostuff,kryo", s.getSerializations());
            assertEquals(DataSize.ofMegabytes(64), s.getMaxBufferedBytes());
            assertEquals(Duration.ofSeconds(5), s.getFrameTimeout());
            assertEquals(DataSize.ofKilobytes(128), s.getMinFrameRate());
            io.tern.rpc.transport.ServerConfig sc = p.serverConfig();
            assertTrue(sc.decodes(1) && sc.decodes(2));
            assertEquals(20, sc.maxConnectionsPerPeer());
            assertEquals(64L << 20, sc.maxBufferedBytes());
            assertEquals(128 * 1024, sc.minFrameRate());

            RpcConsumerProperties k = p.getConsumer();
            assertEquals(Duration.ofMillis(1500), k.getTimeout());
            assertEquals("failfast", k.getCluster());
            assertEquals(4, k.getRetries());
            assertEquals("least-active", k.getLoadBalance());
            assertEquals("p95", k.getBackupRequest());
            assertEquals(List.of(1, 0), k.getHashArguments());
            assertEquals(0.2, k.getRetryBudgetRatio());
            assertEquals(20, k.getRetryBudgetMinPerSecond());
            assertEquals(Duration.ofSeconds(30), k.getWarmup());
            assertEquals(Duration.ofMillis(250), k.getAttemptTimeout());
            assertEquals(Duration.ofSeconds(2), k.getConnectTimeout());
            assertEquals(2, k.getIoThreads());
            assertEquals(Duration.ofMillis(100), k.getReconnectBackoffMin());
            assertEquals(Duration.ofSeconds(10), k.getReconnectBackoffMax());
            assertEquals("default", k.getCallbackExecutor());
            assertEquals(7, k.getOutlier().getConsecutiveFailures());
            assertEquals(30, k.getOutlier().getMaxEjectedPercent());
            assertEquals(Duration.ofSeconds(10), k.getOutlier().getBaseEjectionTime());
            assertEquals(Duration.ofMinutes(2), k.getOutlier().getMaxEjectionTime());
            assertFalse(k.getFailureDetector().isEnabled());
            assertEquals(4.5, k.getFailureDetector().getPhiSuspect());
            assertEquals(10, k.getFailureDetector().getPhiEject());
            assertEquals(Duration.ofMillis(250), k.getFailureDetector().getMinStdDev());
            assertEquals(Duration.ofSeconds(5), p.getHeartbeat().getInterval());
            assertEquals(100, s.getMaxConnections());
            assertEquals(5000, k.getMaxPendingCalls());
            assertEquals("abc123", p.getSecurity().getToken());
            RpcTlsProperties t = p.getTls();
            assertTrue(t.isEnabled());
            assertEquals("/etc/tern/keys.p12", t.getKeyStore());
            assertEquals("kpass", t.getKeyStorePassword());
            assertEquals("/etc/tern/chain.pem", t.getCertChain());
            assertEquals("/etc/tern/key.pem", t.getPrivateKey());
            assertEquals("/etc/tern/trust.p12", t.getTrustStore());
            assertEquals("tpass", t.getTrustStorePassword());
            assertEquals("/etc/tern/ca.pem", t.getTrustCerts());
            assertEquals("require", t.getClientAuth());
            assertTrue(!t.isVerifyHostname());
            assertEquals(100, p.serverConfig().maxConnections());
            assertEquals("abc123", p.serverConfig().authToken());
            assertEquals(io.netty.handler.ssl.ClientAuth.REQUIRE, p.serverConfig().tls().clientAuth());
            assertEquals(5000, p.clientConfig().maxPendingCalls());
            assertEquals("abc123", p.clientConfig().authToken());
            assertTrue(!p.clientConfig().tls().verifyHostname());

            // and they reach the configuration objects the framework runs on
            ServerConfig server = p.serverConfig();
            assertEquals("127.0.0.1", server.host());
            assertEquals(7171, server.port());
            assertEquals(3, server.ioThreads());
            assertEquals(32, server.executorThreads());
            assertEquals(512, server.executorQueue());
            assertEquals(3, server.executorParallelism());
            assertEquals(4 * 1024 * 1024, server.maxFrameLength());
            assertEquals(Duration.ofSeconds(90), server.idleTimeout());
            assertEquals(Duration.ofSeconds(15), server.shutdownGrace());
            assertTrue(server.compression().appliesTo(2048));
            assertFalse(server.compression().appliesTo(2047));

            ClientConfig client = p.clientConfig();
            assertEquals(2, client.ioThreads());
            assertEquals(4 * 1024 * 1024, client.maxFrameLength());
            assertEquals(Duration.ofSeconds(2), client.connectTimeout());
            assertEquals(Duration.ofSeconds(5), client.heartbeatInterval());
            assertEquals(Duration.ofMillis(100), client.reconnectMinBackoff());
            assertEquals(Duration.ofSeconds(10), client.reconnectMaxBackoff());

            assertEquals(new RegistryConfig("zookeeper://10.0.0.1:2181,10.0.0.2:2181", "/tern-test", Duration.ofSeconds(20),
                    Duration.ofSeconds(7), Duration.ofMillis(250), 5, "tern-provider", "zk-secret"), p.registryConfig());
            assertFalse(p.registryConfig().toString().contains("zk-secret"), p.registryConfig().toString());

            assertEquals(new RpcReferences.Key(Runnable.class, "", "", Duration.ofMillis(1500), "least-active", "failfast", 4, "p95", "kryo",
                    "gzip", false), c.getBean(RpcReferences.class).resolve(Runnable.class, ReferenceSettings.defaults(), "test"));
        }
    }

    @Test
    void defaultsAreTheSpecDefaults() {
        try (ConfigurableApplicationContext c = Apps.run(GreetingApps.Starter.class)) {
            RpcProperties p = c.getBean(RpcProperties.class);
            assertEquals("zookeeper://127.0.0.1:2181", p.getRegistry().getAddress());
            assertEquals(7070, p.getServer().getPort());
            assertNull(p.getServer().getHost(), "all interfaces");
            assertNull(p.getServer().getAdvertisedHost(), "detected");
            assertEquals("protostuff", p.getSerialization());
            assertEquals("none", p.getCompression());
            assertEquals(Duration.ofSeconds(3), p.getConsumer().getTimeout());
            assertEquals("failover", p.getConsumer().getCluster());
            assertEquals(2, p.getConsumer().getRetries());
            assertEquals("p2c", p.getConsumer().getLoadBalance());
            assertEquals(Duration.ofSeconds(60), p.getServer().getIdleTimeout());
            assertEquals(Duration.ofSeconds(10), p.getServer().getShutdownGrace());
            assertEquals(DataSize.ofMegabytes(8), p.getMaxFrameLength());
            assertEquals(Duration.ofSeconds(10), p.getHeartbeat().getInterval());
            assertEquals(Duration.ofSeconds(30), p.getRegistry().getSessionTimeout());
            // the further settings
            assertEquals(DataSize.ofKilobytes(1), p.getCompressionThreshold());
            assertEquals(64, p.getServer().getExecutorThreads());
            assertEquals(1024, p.getServer().getExecutorQueue());
            assertEquals(100, p.getServer().getWeight());
            assertEquals(Duration.ofSeconds(3), p.getConsumer().getConnectTimeout());
            assertEquals(Duration.ofSeconds(10), p.getConsumer().getWarmup());
            assertEquals("off", p.getConsumer().getBackupRequest());
            assertEquals(List.of(0), p.getConsumer().getHashArguments(), "consistent-hash keys by the first argument");
            assertEquals(0.1, p.getConsumer().getRetryBudgetRatio());
            assertEquals(10, p.getConsumer().getRetryBudgetMinPerSecond());
            assertEquals("io", p.getConsumer().getCallbackExecutor(), "futures complete on the I/O thread");
            assertEquals(5, p.getConsumer().getOutlier().getConsecutiveFailures());
            assertEquals(50, p.getConsumer().getOutlier().getMaxEjectedPercent());
            assertEquals(Duration.ofSeconds(5), p.getConsumer().getOutlier().getBaseEjectionTime());
            assertEquals(Duration.ofMinutes(1), p.getConsumer().getOutlier().getMaxEjectionTime());
            assertTrue(p.getConsumer().getFailureDetector().isEnabled());
            assertEquals(3, p.getConsumer().getFailureDetector().getPhiSuspect());
            assertEquals(8, p.getConsumer().getFailureDetector().getPhiEject());
            assertEquals(Duration.ofMillis(100), p.getConsumer().getFailureDetector().getMinStdDev());
            assertEquals(Duration.ofSeconds(5), p.getRegistry().getConnectTimeout());
            assertEquals("/tern", p.getRegistry().getRootPath());
            assertEquals(Duration.ofSeconds(1), p.getRegistry().getRetryBaseSleep());
            assertEquals(3, p.getRegistry().getRetryMaxRetries());
            assertNull(p.getRegistry().getUsername(), "no registry credentials: open ACLs");
            assertFalse(p.registryConfig().hasCredentials());
            assertEquals(8 * 1024 * 1024, p.serverConfig().maxFrameLength());
        }
    }

    @Test
    void disabledStarterCreatesNoBeans() {
        try (ConfigurableApplicationContext c = Apps.run(GreetingApps.Starter.class, "rpc.enabled=false")) {
            assertTrue(c.getBeansOfType(RpcProperties.class).isEmpty());
            assertTrue(c.getBeansOfType(RpcReferences.class).isEmpty());
        }
    }

    @Test
    void configurationMetadataDescribesEveryProperty() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "spring-configuration-metadata.json is generated");
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> undocumented = new ArrayList<>();
        for (String property : EVERY_PROPERTY) {
            String name = property.substring(0, property.indexOf('='));
            Matcher m = Pattern.compile("\\{[^{}]*\"name\": \"" + Pattern.quote(name) + "\"[^{}]*}").matcher(json);
            if (!m.find() || !m.group().contains("\"description\"")) {
                undocumented.add(name);
            }
        }
        assertTrue(undocumented.isEmpty(), "no metadata with a description for " + undocumented);
        String properties = json.substring(json.indexOf("\"properties\""), json.indexOf("\"hints\""));
        assertEquals(EVERY_PROPERTY.length, countMatches(properties, "\"name\": \"rpc."),
                "the binding test sets every property the metadata lists");
        assertTrue(json.contains("\"value\": \"consistent-hash\""), "value hints for the named choices");
    }

    private static int countMatches(String text, String fragment) {
        int n = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }
}
