package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.RpcContext;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 4: A → B → C where B calls C asynchronously. C must see A's remaining deadline and the no-retry
 * mark, also when B's onward call is made in a continuation or on B's own executor.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AsyncContextTest {
    private static final long A_TIMEOUT_MS = 1500;
    private static final long B_TO_C_TIMEOUT_MS = 20_000;

    public interface Hop {
        /** B: calls C once, then calls C again from that call's continuation; answers what C saw the second time. */
        CompletableFuture<String> relayInContinuation();

        /** B: calls C (blocking) on an executor of its own, wrapped with RpcContext.propagating. */
        CompletableFuture<String> relayOnExecutor();

        /** C: what the request it serves carries: "deadline=<ms>;noRetry=<mark>". */
        CompletableFuture<String> observe();
    }

    static final class C implements Hop {
        @Override
        public CompletableFuture<String> relayInContinuation() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> relayOnExecutor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> observe() {
            RpcContext ctx = RpcContext.current();
            return CompletableFuture.completedFuture("deadline=" + ctx.attachments().get(RpcRequest.DEADLINE_MS)
                    + ";noRetry=" + ctx.attachments().get(RpcRequest.NO_RETRY));
        }
    }

    static final class B implements Hop {
        private final Hop c;
        private final ExecutorService pool = Executors.newSingleThreadExecutor();

        B(Hop c) {
            this.c = c;
        }

        @Override
        public CompletableFuture<String> relayInContinuation() {
            // the continuation runs on the thread that completes the first call (an I/O thread), not this one
            return c.observe().thenCompose(first -> c.observe());
        }

        @Override
        public CompletableFuture<String> relayOnExecutor() {
            return CompletableFuture.supplyAsync(() -> c.observe().join(), RpcContext.propagating(pool));
        }

        @Override
        public CompletableFuture<String> observe() {
            throw new UnsupportedOperationException();
        }
    }

    private static TransportServer serverB;
    private static TransportServer serverC;
    private static TransportClient clientOfB;
    private static TransportClient clientOfA;
    private static Hop a;

    @BeforeAll
    static void start() {
        serverC = serve(new C());
        clientOfB = new TransportClient(ClientConfig.builder().ioThreads(1).build());
        Hop c = Reference.to(Hop.class).address("127.0.0.1:" + serverC.port()).timeout(Duration.ofMillis(B_TO_C_TIMEOUT_MS)).create(clientOfB);
        serverB = serve(new B(c));
        clientOfA = new TransportClient(ClientConfig.builder().ioThreads(1).build());
        a = Reference.to(Hop.class).address("127.0.0.1:" + serverB.port()).timeout(Duration.ofMillis(A_TIMEOUT_MS)).create(clientOfA);
    }

    private static TransportServer serve(Hop impl) {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Hop.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR));
        return server.start();
    }

    @AfterAll
    static void stop() {
        clientOfA.close();
        serverB.close();
        clientOfB.close();
        serverC.close();
    }

    private static void assertCarriesAsDeadlineAndNoRetry(String seenByC) {
        String[] parts = seenByC.split(";");
        long deadline = Long.parseLong(parts[0].substring("deadline=".length()));
        assertTrue(deadline > 0 && deadline <= A_TIMEOUT_MS, "C saw a deadline of " + deadline + " ms, not what was left of A's "
                + A_TIMEOUT_MS + " ms (B's own reference to C allows " + B_TO_C_TIMEOUT_MS + " ms)");
        assertEquals("noRetry=1", parts[1], "C saw no no-retry mark: " + seenByC);
    }

    @Test
    void anOnwardCallMadeInAContinuationKeepsTheDeadlineAndTheNoRetryMark() throws Exception {
        assertCarriesAsDeadlineAndNoRetry(a.relayInContinuation().get(10, TimeUnit.SECONDS));
    }

    @Test
    void anOnwardCallMadeOnAPropagatingExecutorKeepsTheDeadlineAndTheNoRetryMark() throws Exception {
        assertCarriesAsDeadlineAndNoRetry(a.relayOnExecutor().get(10, TimeUnit.SECONDS));
    }
}
