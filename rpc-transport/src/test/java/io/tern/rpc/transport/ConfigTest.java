package io.tern.rpc.transport;

import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both configs: the security settings they share, and the checks that name the property at fault. */
class ConfigTest {
    private static final TlsConfig TLS = TlsConfig.fromPem(new File("chain.pem"), new File("key.pem"), null, ClientAuth.NONE, true);

    private static void refused(Supplier<?> build, String property) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().startsWith(property), e.getMessage());
    }

    @Test
    void anEmptyTokenIsOffOnBothSides() {
        assertNull(ClientConfig.builder().authToken("").build().authToken());
        assertNull(ServerConfig.builder().authToken("").build().authToken());
        assertEquals("s3cret", ClientConfig.builder().authToken("s3cret").build().authToken());
        assertEquals("s3cret", ServerConfig.builder().authToken("s3cret").build().authToken());
    }

    @Test
    void tlsAndTokenAreKeptWhicheverIsSetFirst() {
        ClientConfig c = ClientConfig.builder().authToken("s3cret").tls(TLS).build();
        ServerConfig s = ServerConfig.builder().tls(TLS).authToken("s3cret").build();
        assertSame(TLS, c.tls());
        assertSame(TLS, s.tls());
        assertEquals("s3cret", c.authToken());
        assertEquals("s3cret", s.authToken());
        assertFalse(c.security().tokenInClearText());
        assertFalse(s.security().tokenInClearText());
    }

    @Test
    void aTokenWithoutTlsIsInClearTextAndNoTokenIsNot() {
        assertTrue(ClientConfig.builder().authToken("s3cret").build().security().tokenInClearText());
        assertTrue(ServerConfig.builder().authToken("s3cret").build().security().tokenInClearText());
        assertFalse(ClientConfig.defaults().security().tokenInClearText());
        assertNull(ClientConfig.defaults().security().clientContext(), "plaintext has no TLS context");
    }

    @Test
    void theTokenNeverShowsInTheConfigsText() {
        String client = ClientConfig.builder().authToken("s3cret").build().toString();
        String server = ServerConfig.builder().authToken("s3cret").build().toString();
        assertFalse(client.contains("s3cret"), client);
        assertFalse(server.contains("s3cret"), server);
        assertTrue(client.contains("authToken=***") && server.contains("authToken=***"), client + " / " + server);
    }

    @Test
    void eachBadServerSettingIsRefusedNamingItsProperty() {
        refused(() -> ServerConfig.builder().executorThreads(0).build(), "rpc.server.executor-threads");
        refused(() -> ServerConfig.builder().executorParallelism(0).build(), "rpc.server.executor-parallelism");
        refused(() -> ServerConfig.builder().executorQueue(-1).build(), "rpc.server.executor-queue");
        refused(() -> ServerConfig.builder().maxConnections(0).build(), "rpc.server.max-connections ");
        refused(() -> ServerConfig.builder().maxConnectionsPerPeer(0).build(), "rpc.server.max-connections-per-peer");
        refused(() -> ServerConfig.builder().maxFrameLength(1 << 20).maxBufferedBytes((1 << 20) - 1).build(), "rpc.server.max-buffered-bytes");
        refused(() -> ServerConfig.builder().frameRate(Duration.ZERO, 1).build(), "rpc.server.frame-timeout");
        refused(() -> ServerConfig.builder().frameRate(Duration.ofSeconds(1), 0).build(), "rpc.server.min-frame-rate");
        refused(() -> ServerConfig.builder().serializations().build(), "rpc.server.serializations");
        refused(() -> ServerConfig.builder().shutdownGrace(Duration.ofSeconds(-1)).build(), "rpc.server.shutdown-grace");
        refused(() -> ServerConfig.builder().idleTimeout(Duration.ZERO).build(), "rpc.server.idle-timeout");
    }

    @Test
    void everyServerSettingReadsBackAsSet() {
        ServerConfig c = ServerConfig.builder().host("127.0.0.1").port(7171).ioThreads(3).executorThreads(5).executorQueue(7)
                .executorParallelism(2).maxFrameLength(1 << 20).maxBufferedBytes(3L << 20).maxConnections(11).maxConnectionsPerPeer(13)
                .frameRate(Duration.ofSeconds(17), 19).idleTimeout(Duration.ofSeconds(23)).shutdownGrace(Duration.ofSeconds(29)).build();
        assertEquals("127.0.0.1", c.host());
        assertEquals(7171, c.port());
        assertEquals(3, c.ioThreads());
        assertEquals(5, c.executorThreads());
        assertEquals(7, c.executorQueue());
        assertEquals(2, c.executorParallelism());
        assertEquals(1 << 20, c.maxFrameLength());
        assertEquals(3L << 20, c.maxBufferedBytes());
        assertEquals(11, c.maxConnections());
        assertEquals(13, c.maxConnectionsPerPeer());
        assertEquals(Duration.ofSeconds(17), c.frameTimeout());
        assertEquals(19, c.minFrameRate());
        assertEquals(Duration.ofSeconds(23), c.idleTimeout());
        assertEquals(Duration.ofSeconds(29), c.shutdownGrace());
    }

    @Test
    void theServerDecodesTheCodecsItWasGiven() {
        ServerConfig defaults = ServerConfig.builder().build();
        assertTrue(defaults.decodes(1));
        assertFalse(defaults.decodes(2));
        assertEquals("protostuff", defaults.serializationNames());
        ServerConfig both = ServerConfig.builder().serializations("kryo", "protostuff").build();
        assertTrue(both.decodes(1) && both.decodes(2));
        assertFalse(both.decodes(0) || both.decodes(3) || both.decodes(-1));
        assertEquals("protostuff,kryo", both.serializationNames());
    }

    @Test
    void eachBadClientSettingIsRefusedNamingItsProperty() {
        refused(() -> ClientConfig.builder().maxPendingCalls(0).build(), "rpc.consumer.max-pending-calls");
        refused(() -> ClientConfig.builder().connectTimeout(Duration.ZERO).build(), "rpc.consumer.connect-timeout");
        refused(() -> ClientConfig.builder().heartbeatInterval(null).build(), "rpc.heartbeat.interval");
        refused(() -> ClientConfig.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build(), "reconnect backoff");
    }
}
