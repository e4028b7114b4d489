package io.tern.rpc.cluster;

import io.tern.rpc.RemoteException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterCustomException;
import io.tern.rpc.testsupport.GreeterException;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sync and async calls through a real proxy over real Netty on loopback, with both codecs. */
class ProxyCallTest {
    static TransportServer server;
    static TransportClient client;
    static GreeterImpl impl = new GreeterImpl();

    @BeforeAll
    static void start() {
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).serializations("protostuff", "kryo").build());
        server.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        client = new TransportClient(ClientConfig.defaults());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static Greeter greeter(String codec) {
        return Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).serialization(codec)
                .timeout(Duration.ofSeconds(5)).create(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"protostuff", "kryo"})
    void syncCallsReturnProviderResults(String codec) {
        Greeter g = greeter(codec);
        assertEquals("hello tern", g.hello("tern"));
        assertEquals(5, g.add(2, 3));
        Greeter.Person p = new Greeter.Person("ada", 36);
        p.favourite = Greeter.Color.GREEN;
        p.tags = List.of("a", "b");
        p.home = new Greeter.Point(1, 2);
        p.born = LocalDate.of(1815, 12, 10);
        assertEquals(p, g.echoPerson(p));
        assertEquals(new Greeter.Point(3, -4), g.echoPoint(new Greeter.Point(3, -4)));
        assertEquals(3, g.people(3).size());
        assertEquals(Map.of("ab", List.of(2, "ab".hashCode())), g.groups(Set.of("ab")));
        assertEquals(new BigDecimal("3.30"), g.total(List.of(new BigDecimal("1.10"), new BigDecimal("2.20"))));
        assertEquals(Instant.ofEpochSecond(100, 5), g.shift(Instant.ofEpochSecond(40, 5), 60));
        assertEquals(LocalDate.of(2024, 3, 1), g.nextDay(LocalDate.of(2024, 2, 29)));
        assertArrayEquals(new byte[]{3, 2, 1}, g.reverse(new byte[]{1, 2, 3}));
        g.noop();
        assertEquals(null, g.echoPerson(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"protostuff", "kryo"})
    void asyncCallsCompleteWithoutBlocking(String codec) throws Exception {
        Greeter g = greeter(codec);
        CompletableFuture<String> f = g.helloAsync("async");
        assertEquals("async hello async", f.get(5, TimeUnit.SECONDS));
        CompletableFuture<String> slow = g.slowAsync(200);
        // the proxy returned before the provider answered: the future is still open
        assertTrue(!slow.isDone() || slow.get().equals("slept 200"));
        assertEquals("slept 200", slow.get(5, TimeUnit.SECONDS));
    }

    @Test
    void providerExceptionsArriveWithTheirTypeMessageAndCause() {
        Greeter g = greeter("protostuff");
        IllegalStateException ise = assertThrows(IllegalStateException.class, () -> g.fail("boom"));
        assertEquals("boom", ise.getMessage());
        assertTrue(ise.getStackTrace()[0].getClassName().contains("GreeterImpl"), "remote stack trace is kept");

        GreeterException ge = assertThrows(GreeterException.class, () -> g.failWithCause("bad"));
        assertEquals("bad", ge.getMessage());
        assertInstanceOf(IllegalArgumentException.class, ge.getCause());
        assertEquals("root bad", ge.getCause().getMessage());

        GreeterCustomException custom = assertThrows(GreeterCustomException.class, () -> g.failCustom("custom"));
        assertEquals("custom", custom.getMessage());
    }

    @Test
    void timeoutNamesMethodAddressAndDuration() {
        Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).timeout(Duration.ofMillis(100)).create(client);
        RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> g.slow(1000));
        assertTrue(e.getMessage().contains("Greeter.slow(long)"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
        assertTrue(e.getMessage().matches(".*timed out after \\d+ ms.*"), e.getMessage());
    }

    @Test
    void unknownServiceVersionIsServiceNotFound() {
        Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).version("9.9").create(client);
        RpcStatusException e = assertThrows(RpcStatusException.class, () -> g.hello("x"));
        assertEquals(Status.SERVICE_NOT_FOUND, e.status());
        assertTrue(e.getMessage().contains(Greeter.class.getName() + ":9.9"), e.getMessage());
    }

    @Test
    void objectMethodsAreLocal() {
        Greeter a = greeter("protostuff");
        Greeter b = greeter("protostuff");
        assertTrue(a.toString().contains("Greeter"));
        assertEquals(a, a);
        assertNotEquals(a, b);
        assertEquals(System.identityHashCode(a), a.hashCode());
    }

    @Test
    void gzipCompressesLargeBodiesBothWays() {
        Greeter g = Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).compression(Compression.gzip(1024)).create(client);
        String big = "x".repeat(200_000);
        assertEquals(big, g.echoLarge(big));
        assertEquals("hello small", g.hello("small"));
    }

    @Test
    void remoteExceptionOfUnknownTypeNamesTheRemoteClass() {
        RemoteException e = new RemoteException("com.example.Gone", "msg", null);
        assertEquals("com.example.Gone", e.remoteClassName());
        assertTrue(e.getMessage().contains("com.example.Gone: msg"));
    }
}
