package io.tern.rpc.transport.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.ssl.ClientAuth;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TlsConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, mutual TLS and shared-token authentication on real Netty over loopback. Certificates are made for the
 * test by the JDK's keytool: a server identity, a trusted client identity and an untrusted one.
 */
class TlsAndAuthTest {
    static final String PASS = io.tern.rpc.testsupport.TestCertificates.PASSWORD;
    @TempDir
    static Path dir;
    static File serverKs;
    static File serverTrust;
    static File clientKs;
    static File clientTrust;
    static File strangerKs;

    @BeforeAll
    static void certificates() throws Exception {
        io.tern.rpc.testsupport.TestCertificates certs = io.tern.rpc.testsupport.TestCertificates.create(dir);
        serverKs = certs.serverKeyStore();
        clientKs = certs.clientKeyStore();
        strangerKs = certs.strangerKeyStore();
        clientTrust = certs.clientTrustStore();
        serverTrust = certs.serverTrustStore();
    }

    static TransportServer server(ServerConfig.Builder b, GreeterImpl impl) {
        TransportServer s = new TransportServer(b.host("127.0.0.1").port(0).build());
        s.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
        return s;
    }

    static RpcResponse hello(ClientConfig config, int port) throws Exception {
        try (TransportClient client = new TransportClient(config)) {
            return Calls.hello(client.connection("127.0.0.1", port), "tls", 5_000).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsClientTalksToTlsServer() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer s = server(ServerConfig.builder().tls(TlsConfig.serverFromKeyStore(serverKs, PASS, null, null, ClientAuth.NONE)), impl)) {
            RpcResponse r = hello(ClientConfig.builder().tls(TlsConfig.clientFromKeyStore(clientTrust, PASS, null, null, true)).build(), s.port());
            assertEquals(Status.OK, r.status());
            assertEquals("hello tls", r.result());
        }
    }

    @Test
    void plaintextBytesToATlsServerAreRefusedAndNothingRuns() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer s = server(ServerConfig.builder().tls(TlsConfig.serverFromKeyStore(serverKs, PASS, null, null, ClientAuth.NONE)), impl)) {
            try (Socket raw = new Socket("127.0.0.1", s.port())) {
                raw.setSoTimeout(5_000);
                OutputStream out = raw.getOutputStream();
                out.write(new byte[]{0x54, 0x45, 0x52, 0x4E, 1, 0, 0, 0, 16, 3, 0, 0, 0, 0, 0, 7}); // a PING in the clear
                out.flush();
                InputStream in = raw.getInputStream();
                int b;
                int read = 0;
                while ((b = in.read()) != -1 && read < 64) {
                    read++; // a TLS alert may come back; never a PONG
                    assertTrue(read < 64, "server kept talking to a plaintext peer");
                }
                assertEquals(-1, b, "connection closed");
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> hello(ClientConfig.defaults(), s.port()));
            assertInstanceOf(RpcConnectionException.class, e.getCause());
            assertEquals(0, impl.calls.get());
        }
    }

    @Test
    void mutualTlsWithoutExplicitTrustMaterialRefusesToStart() {
        // with no trust store the JDK's public CAs would vouch for any client certificate
        TlsConfig serverTls = TlsConfig.serverFromKeyStore(serverKs, PASS, null, null, ClientAuth.REQUIRE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TransportServer(ServerConfig.builder().tls(serverTls).build()));
        assertTrue(e.getMessage().contains("rpc.tls.client-auth=require") && e.getMessage().contains("rpc.tls.trust-store"), e.getMessage());
    }

    @Test
    void aTokenWithoutTlsIsWarnedAboutOnceAtStart() {
        try (io.tern.rpc.testsupport.LogCapture server = io.tern.rpc.testsupport.LogCapture.of(TransportServer.class);
             io.tern.rpc.testsupport.LogCapture client = io.tern.rpc.testsupport.LogCapture.of(TransportClient.class);
             TransportServer s = server(ServerConfig.builder().authToken("t0ken"), new GreeterImpl());
             TransportClient c = new TransportClient(ClientConfig.builder().authToken("t0ken").build())) {
            for (io.tern.rpc.testsupport.LogCapture log : new io.tern.rpc.testsupport.LogCapture[]{server, client}) {
                java.util.List<String> warns = log.messages(ch.qos.logback.classic.Level.WARN);
                assertEquals(1, warns.size(), warns::toString);
                assertTrue(warns.get(0).contains("TLS is off") && !warns.get(0).contains("t0ken"), warns.get(0));
            }
        }
    }

    @Test
    void mutualTlsAdmitsOnlyClientsWithATrustedCertificate() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        TlsConfig serverTls = TlsConfig.serverFromKeyStore(serverKs, PASS, serverTrust, PASS, ClientAuth.REQUIRE);
        try (TransportServer s = server(ServerConfig.builder().tls(serverTls), impl)) {
            RpcResponse ok = hello(ClientConfig.builder().tls(TlsConfig.clientFromKeyStore(clientTrust, PASS, clientKs, PASS, true)).build(), s.port());
            assertEquals(Status.OK, ok.status());
            assertEquals(1, impl.calls.get());

            ExecutionException noCert = assertThrows(ExecutionException.class,
                    () -> hello(ClientConfig.builder().tls(TlsConfig.clientFromKeyStore(clientTrust, PASS, null, null, true)).build(), s.port()));
            assertInstanceOf(RpcConnectionException.class, noCert.getCause());
            ExecutionException stranger = assertThrows(ExecutionException.class,
                    () -> hello(ClientConfig.builder().tls(TlsConfig.clientFromKeyStore(clientTrust, PASS, strangerKs, PASS, true)).build(), s.port()));
            assertInstanceOf(RpcConnectionException.class, stranger.getCause());
            assertEquals(1, impl.calls.get(), "no refused client invoked anything");
        }
    }

    @Test
    void clientRefusesAServerItDoesNotTrust() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer s = server(ServerConfig.builder().tls(TlsConfig.serverFromKeyStore(strangerKs, PASS, null, null, ClientAuth.NONE)), impl)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> hello(ClientConfig.builder().tls(TlsConfig.clientFromKeyStore(clientTrust, PASS, null, null, true)).build(), s.port()));
            assertInstanceOf(RpcConnectionException.class, e.getCause());
            assertEquals(0, impl.calls.get());
        }
    }

    @Test
    void wrongOrMissingTokenIsRefusedWithAClearStatusAndNeverLogged() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> all = new ListAppender<>();
        all.start();
        root.addAppender(all);
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        GreeterImpl impl = new GreeterImpl();
        try (TransportServer s = server(ServerConfig.builder().authToken("s3cret-token-42"), impl)) {
            RpcResponse ok = hello(ClientConfig.builder().authToken("s3cret-token-42").build(), s.port());
            assertEquals(Status.OK, ok.status());
            for (String bad : new String[]{null, "guess-token-99"}) {
                RpcResponse r = hello(ClientConfig.builder().authToken(bad).build(), s.port());
                assertEquals(Status.BAD_REQUEST, r.status());
                assertTrue(r.message().contains("authentication failed"), r.message());
            }
            assertEquals(1, impl.calls.get(), "refused requests invoked nothing");
        } finally {
            root.setLevel(before);
            root.detachAppender(all);
            all.stop();
        }
        java.util.List<ILoggingEvent> events;
        synchronized (all) { // AppenderBase appends under this lock: a late event from another thread is complete
            events = new java.util.ArrayList<>(all.list);
        }
        for (ILoggingEvent e : events) {
            String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertTrue(!text.contains("s3cret-token-42") && !text.contains("guess-token-99"), "a token was logged: " + text);
        }
        assertTrue(events.size() > 5, "logs were captured at all");
        assertTrue(!ServerConfig.builder().authToken("s3cret-token-42").build().toString().contains("s3cret"));
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        try (TransportServer s = server(ServerConfig.builder().maxConnections(2), new GreeterImpl());
             RawConnection a = new RawConnection(s.port()); RawConnection b = new RawConnection(s.port())) {
            // each connection is confirmed (PING/PONG) before the next opens: the server sets up connections on
            // several event loops, so only confirmed ones are known to count
            assertEquals(1, a.ping(1).requestId());
            assertEquals(2, b.ping(2).requestId());
            try (Socket c = new Socket("127.0.0.1", s.port())) {
                c.setSoTimeout(5_000);
                assertEquals(-1, c.getInputStream().read(), "third connection closed at once");
            }
            assertEquals(3, a.ping(3).requestId(), "first connection still served");
        }
    }
}
