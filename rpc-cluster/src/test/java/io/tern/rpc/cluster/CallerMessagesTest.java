package io.tern.rpc.cluster;

import io.tern.rpc.RpcStatusException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact text a caller reads when a provider found through a real ZooKeeper refuses a call or does not answer in
 * time (issue 17, item 5): the provider's address, not the registry's; the timeout the caller set.
 */
class CallerMessagesTest {
    TestingServer zk;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = ZooKeepers.server();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        zk.close();
    }

    RegistryConfig registry() {
        return RegistryConfig.of(ZooKeepers.address(zk.getConnectString()));
    }

    TernServer provider(String token) {
        TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).authToken(token).build(), registry(), "127.0.0.1");
        closeables.add(s);
        s.export(ServiceExport.of(Greeter.class, new GreeterImpl())).start();
        return s;
    }

    /** A proxy whose reference already lists the provider, so the call's outcome is the provider's. */
    Greeter consumer(String token, Reference<Greeter> reference) {
        TernClient c = new TernClient(ClientConfig.builder().authToken(token).build(), registry());
        closeables.add(c);
        Greeter g = c.refer(reference);
        Poll.until(Duration.ofSeconds(20), "the consumer lists the provider", () -> !c.views().get(0).providers().isEmpty());
        return g;
    }

    @Test
    void aWrongTokenNamesTheProviderThatRefusedIt() {
        TernServer server = provider("right-token");
        Greeter g = consumer("wrong-token", Reference.to(Greeter.class).timeout(Duration.ofSeconds(5)));
        RpcStatusException e = assertThrows(RpcStatusException.class, () -> g.hello("x"));
        assertEquals(Status.BAD_REQUEST, e.status());
        assertEquals("BAD_REQUEST from 127.0.0.1:" + server.port() + " for io.tern.rpc.testsupport.Greeter: authentication failed:"
                + " the request carries no token or a wrong one (rpc.security.token)", e.getMessage());
    }

    @Test
    void aTimeoutOf200MsSays200MsOnTheFirstCallAndAfter() {
        TernServer server = provider(null);
        Greeter g = consumer(null, Reference.to(Greeter.class).timeout(Duration.ofMillis(200)));
        String expected = "call Greeter.slow(long) to 127.0.0.1:" + server.port() + " timed out after 200 ms (the call's timeout)";
        for (int call = 1; call <= 3; call++) {
            RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> g.slow(2_000));
            assertEquals(expected, e.getMessage(), "call " + call);
            assertTrue(e.getCause() instanceof RpcTimeoutException, "the attempt's own timeout is the cause");
        }
    }
}
