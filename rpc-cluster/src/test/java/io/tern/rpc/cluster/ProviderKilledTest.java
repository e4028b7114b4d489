package io.tern.rpc.cluster;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider process killed with SIGKILL mid-call: in-flight calls fail at once, not at their 30 s timeout. */
class ProviderKilledTest {

    @Test
    void inFlightCallsFailFastWhenTheProviderProcessIsKilled() throws Exception {
        try (ProviderProcess provider = ProviderProcess.start();
             TransportClient client = new TransportClient(ClientConfig.defaults())) {
            Greeter greeter = Reference.to(Greeter.class).address("127.0.0.1:" + provider.port())
                    .timeout(Duration.ofSeconds(30)).create(client);
            assertEquals("hello before", greeter.hello("before"));

            List<CompletableFuture<String>> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inFlight.add(greeter.slowAsync(20_000));
                inFlight.add(CompletableFuture.supplyAsync(() -> greeter.slow(20_000)));
            }
            provider.awaitLine("SLOW", Duration.ofSeconds(20)); // at least one blocking call is running remotely

            long killedAt = System.nanoTime();
            provider.kill();
            for (CompletableFuture<String> f : inFlight) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
                assertInstanceOf(RpcConnectionException.class, cause, String.valueOf(cause));
                assertTrue(((RpcConnectionException) cause).requestMayHaveRun());
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(tookMs < 5_000, "in-flight calls failed " + tookMs + " ms after the kill; their timeout was 30 s");

            RpcConnectionException after = assertThrows(RpcConnectionException.class, () -> greeter.hello("after"));
            assertTrue(!after.requestMayHaveRun(), "a call on a dead connection is never sent: " + after.getMessage());
        }
    }
}
