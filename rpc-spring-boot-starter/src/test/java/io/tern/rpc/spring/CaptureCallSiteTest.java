package io.tern.rpc.spring;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.spring.testapp.GreetingApps;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rpc.consumer.capture-call-site reaches the references: a failed async call names the line that made it (issue 17). */
class CaptureCallSiteTest {
    public interface Silent {
        CompletableFuture<String> neverAsync(String name);
    }

    @RpcService
    public static class SilentImpl implements Silent {
        @Override
        public CompletableFuture<String> neverAsync(String name) {
            return new CompletableFuture<>(); // never answers: the consumer's deadline ends the call
        }
    }

    /** The exception of a neverAsync call made from {@code caller}'s frame, with these consumer properties. */
    private static RpcTimeoutException timeoutOfAnAsyncCall(String... consumerProperties) throws Exception {
        try (ConfigurableApplicationContext provider = Apps.run(Apps.starterWith(SilentImpl.class), Apps.directProvider("silent"))) {
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            try (ConfigurableApplicationContext consumer = Apps.run(GreetingApps.Starter.class, Apps.directConsumer(port, consumerProperties))) {
                Silent silent = consumer.getBean(RpcReferences.class).get(Silent.class);
                CompletableFuture<String> call = silent.neverAsync("a");
                ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
                RpcTimeoutException timeout = assertInstanceOf(RpcTimeoutException.class, e.getCause());
                assertEquals("call Silent.neverAsync(String) to 127.0.0.1:" + port
                        + " timed out after 300 ms (the call's timeout)", timeout.getMessage());
                return timeout;
            }
        }
    }

    private static boolean namesTheCaller(Throwable t) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(CaptureCallSiteTest.class.getName())
                && f.getMethodName().equals("timeoutOfAnAsyncCall"));
    }

    @Test
    void withCaptureCallSiteAFailedAsyncCallHasTheCallersFrames() throws Exception {
        RpcTimeoutException e = timeoutOfAnAsyncCall("rpc.consumer.timeout=300ms", "rpc.consumer.capture-call-site=true");
        assertTrue(namesTheCaller(e), Arrays.toString(e.getStackTrace()));
        assertInstanceOf(RpcTimeoutException.class, e.getCause(), "the attempt's own timeout is kept as the cause");
    }

    @Test
    void byDefaultAFailedAsyncCallHasNoCapturedFrames() throws Exception {
        RpcTimeoutException e = timeoutOfAnAsyncCall("rpc.consumer.timeout=300ms");
        assertFalse(namesTheCaller(e), Arrays.toString(e.getStackTrace()));
    }
}
