package io.tern.rpc.cluster;

import io.tern.rpc.Idempotent;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message over rpc.max-frame-length is one failed call, not a lost connection: an idempotent call under failover
 * is not retried on the other providers, each of which would refuse it the same way (issue 12, defect 2).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OversizeMessageClusterTest {
    private static final int LIMIT = 64 * 1024;

    @Idempotent
    public interface Blobs {
        String echo(String text);

        String payloadOf(int length);
    }

    static final class CountingBlobs implements Blobs {
        final AtomicInteger invocations;

        CountingBlobs(AtomicInteger invocations) {
            this.invocations = invocations;
        }

        @Override
        public String echo(String text) {
            invocations.incrementAndGet();
            return text;
        }

        @Override
        public String payloadOf(int length) {
            invocations.incrementAndGet();
            return "y".repeat(length);
        }
    }

    private final AtomicInteger invocations = new AtomicInteger();
    private final List<TransportServer> providers = new ArrayList<>();
    private TransportClient rpc;
    private Directory directory;
    private CountingBalancer balancer;
    private Blobs blobs;

    @BeforeEach
    void threeProvidersAndAFailoverReference() {
        InMemoryRegistry registry = new InMemoryRegistry();
        for (int i = 0; i < 3; i++) {
            TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).maxFrameLength(LIMIT).build());
            providers.add(server);
            server.export(ExportedService.of(Blobs.class, new CountingBlobs(invocations), "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
            registry.register(new ProviderInfo(Blobs.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                    System.currentTimeMillis() - 60_000, "", "", Map.of()));
        }
        rpc = new TransportClient(ClientConfig.builder().ioThreads(1).maxFrameLength(LIMIT).build());
        directory = new Directory(Blobs.class.getName(), registry, rpc);
        balancer = new CountingBalancer(new RandomLoadBalancer());
        Reference<Blobs> reference = Reference.to(Blobs.class).cluster("failover").retries(2).timeout(Duration.ofSeconds(10))
                .loadBalancer(balancer);
        blobs = reference.create(reference.callPath(directory), directory.describe());
        assertEquals("warm", blobs.echo("warm"));
        balancer.selections.set(0);
        invocations.set(0);
    }

    @AfterEach
    void close() {
        directory.close();
        rpc.close();
        providers.forEach(TransportServer::close);
    }

    @Test
    void anIdempotentRequestOverTheLimitIsAttemptedOnceAndFailsAtOnce() {
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> blobs.echo("x".repeat(LIMIT)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(Status.BAD_REQUEST, e.status());
        assertFalse(e.requestMayHaveRun());
        assertTrue(e.getMessage().contains("rpc.max-frame-length") && e.getMessage().contains("over this client's limit of " + LIMIT + " bytes"),
                e.getMessage());
        assertEquals(1, balancer.selections.get(), "one attempt: every provider would refuse it the same way");
        assertEquals(0, invocations.get(), "never sent");
        assertTrue(millis < 5_000, "fails at once, not at the 10 s deadline: " + millis + " ms");

        // the caller's mistake is not held against the providers: many such calls eject none of them
        for (int i = 0; i < 20; i++) {
            assertThrows(RpcException.class, () -> blobs.echo("x".repeat(LIMIT)));
        }
        assertEquals(3, directory.available().size(), "no provider ejected");
        assertEquals(0, invocations.get());
        assertEquals("small", blobs.echo("small"), "the connections are untouched");
    }

    @Test
    void anIdempotentCallWhoseResultIsOverTheLimitRunsOnceAndFailsWithTheReason() {
        RpcStatusException e = assertThrows(RpcStatusException.class, () -> blobs.payloadOf(2 * LIMIT));

        assertEquals(Status.INTERNAL_ERROR, e.status());
        assertTrue(e.requestMayHaveRun(), "it ran");
        assertTrue(e.getMessage().contains("rpc.max-frame-length") && e.getMessage().contains("over this provider's limit of " + LIMIT + " bytes"),
                e.getMessage());
        assertEquals(1, invocations.get(), "run once: not retried on the other providers");
        assertEquals(1, balancer.selections.get());
        assertEquals("small", blobs.echo("small"), "the connections are untouched");
    }
}
