package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rpc.consumer.callback-executor reaches the references: where callbacks chained on an async call run (issue 12, defect 10). */
class CallbackExecutorTest {
    /** A call whose answer the test releases, so a callback chained before runs where the answer lands. */
    public interface Gated {
        CompletableFuture<String> gatedAsync(String name);

        String hello(String name);
    }

    @RpcService
    public static class GatedImpl implements Gated {
        static final BlockingQueue<CompletableFuture<String>> GATES = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<String> gatedAsync(String name) {
            CompletableFuture<String> gate = new CompletableFuture<>();
            GATES.add(gate);
            return gate.thenApply(v -> "gated " + name);
        }

        @Override
        public String hello(String name) {
            return "hello " + name;
        }
    }

    /** Calls gatedAsync, chains a blocking call on its future, lets the provider answer; the chained outcome. */
    private static CompletableFuture<String> blockingCallInACallback(String... consumerProperties) throws Exception {
        try (ConfigurableApplicationContext provider = Apps.run(Apps.starterWith(GatedImpl.class), Apps.directProvider("gated"))) {
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            try (ConfigurableApplicationContext consumer = Apps.run(GreetingApps.Starter.class, Apps.directConsumer(port, consumerProperties))) {
                Gated gated = consumer.getBean(RpcReferences.class).get(Gated.class);
                CompletableFuture<String> chained = gated.gatedAsync("a")
                        .thenApply(s -> Thread.currentThread().getName() + ": " + s + " + " + gated.hello("b"));
                CompletableFuture<String> gate = GatedImpl.GATES.poll(10, TimeUnit.SECONDS);
                assertNotNull(gate, "the call reached the provider");
                gate.complete("open");
                try {
                    chained.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // the outcome is examined by the caller
                }
                return chained;
            }
        }
    }

    @Test
    void withCallbackExecutorDefaultCallbacksRunOnTheSharedPoolAndMayBlock() throws Exception {
        String result = blockingCallInACallback("rpc.consumer.callback-executor=default").get();
        assertTrue(result.matches("tern-callback-\\d+: gated a \\+ hello b"), result);
    }

    @Test
    void byDefaultCallbacksRunOnTheIoThreadWhereABlockingCallFailsFast() throws Exception {
        CompletableFuture<String> chained = blockingCallInACallback();
        ExecutionException e = assertThrows(ExecutionException.class, chained::get);
        IllegalStateException refused = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(refused.getMessage().contains("Tern client I/O thread") && refused.getMessage().contains("rpc.consumer.callback-executor=default"),
                refused.getMessage());
    }
}
