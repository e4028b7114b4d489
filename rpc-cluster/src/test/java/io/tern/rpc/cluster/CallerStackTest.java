package io.tern.rpc.cluster;

import io.tern.rpc.RpcStatusException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterException;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed call's exception names the line that made it (issue 17, item 4), and a timeout names the timeout the
 * caller set (item 5), over real Netty on loopback.
 */
class CallerStackTest {
    static TransportServer server;
    static TransportClient client;

    @BeforeAll
    static void start() {
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        server.start();
        client = new TransportClient(ClientConfig.defaults());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static Reference<Greeter> reference(Duration timeout) {
        return Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).timeout(timeout);
    }

    String provider() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void syncTimeoutHasTheCallersFramesTheTimeoutSetAndTheAttemptAsCause() {
        Greeter g = reference(Duration.ofMillis(200)).create(client);
        RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> g.slow(2_000));
        assertEquals("call Greeter.slow(long) to " + provider() + " timed out after 200 ms (the call's timeout)", e.getMessage());
        assertTrue(hasFrame(e, "syncTimeoutHasTheCallersFramesTheTimeoutSetAndTheAttemptAsCause"), Arrays.toString(e.getStackTrace()));
        RpcTimeoutException attempt = assertInstanceOf(RpcTimeoutException.class, e.getCause());
        assertTrue(attempt.getMessage().matches("call Greeter\\.slow\\(long\\) to 127\\.0\\.0\\.1:\\d+ timed out: no answer within the 1?\\d{1,2} ms"
                + " it was given when sent"), attempt.getMessage());
        assertFalse(hasFrame(attempt, "syncTimeoutHasTheCallersFramesTheTimeoutSetAndTheAttemptAsCause"), "the cause is the I/O thread's");
    }

    @Test
    void aFirstCallOnANewConnectionReportsTheTimeoutSetToo() {
        try (TransportClient fresh = new TransportClient(ClientConfig.defaults())) {
            Greeter g = reference(Duration.ofMillis(200)).create(fresh);
            RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> g.slow(2_000));
            assertEquals("call Greeter.slow(long) to " + provider() + " timed out after 200 ms (the call's timeout)", e.getMessage());
        }
    }

    @Test
    void aDeadlineLeftByTheServedRequestIsNamedAsSuch() {
        Greeter g = reference(Duration.ofSeconds(1)).create(client);
        java.util.concurrent.atomic.AtomicReference<RpcTimeoutException> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        // as a provider method calling onwards would: the request it serves has 100 ms left
        io.tern.rpc.RpcContext.of(java.util.Map.of(), Duration.ofMillis(100))
                .wrap(() -> thrown.set(assertThrows(RpcTimeoutException.class, () -> g.slow(2_000)))).run();
        String message = thrown.get().getMessage();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("call Greeter\\.slow\\(long\\) to 127\\.0\\.0\\.1:" + server.port()
                + " timed out after (\\d+) ms: the time left of the request it was made for \\(the call's own timeout is 1000 ms\\)").matcher(message);
        assertTrue(m.matches(), message);
        long ms = Long.parseLong(m.group(1));
        assertTrue(ms > 0 && ms <= 100, message);
    }

    @Test
    void syncProviderExceptionKeepsItsRemoteFramesAndCauseAndGainsTheCallers() {
        Greeter g = reference(Duration.ofSeconds(5)).create(client);
        IllegalStateException ise = assertThrows(IllegalStateException.class, () -> g.fail("boom"));
        assertEquals("boom", ise.getMessage());
        StackTraceElement[] frames = ise.getStackTrace();
        assertTrue(frames[0].getClassName().endsWith("GreeterImpl"), "the provider's frames first: " + frames[0]);
        int boundary = Arrays.asList(frames).indexOf(CallerStacks.BOUNDARY);
        assertTrue(boundary > 0, Arrays.toString(frames));
        assertTrue(Arrays.stream(frames, boundary, frames.length).anyMatch(f -> isThisTest(f, "syncProviderExceptionKeepsItsRemoteFramesAndCauseAndGainsTheCallers")),
                "the caller's frames after the boundary: " + Arrays.toString(frames));

        GreeterException ge = assertThrows(GreeterException.class, () -> g.failWithCause("bad"));
        IllegalArgumentException remoteCause = assertInstanceOf(IllegalArgumentException.class, ge.getCause());
        assertEquals("root bad", remoteCause.getMessage());
        assertTrue(hasFrame(ge, "syncProviderExceptionKeepsItsRemoteFramesAndCauseAndGainsTheCallers"));
    }

    @Test
    void syncRefusalIsACopyWithTheCallersFramesAndTheOriginalAsCause() {
        Greeter g = reference(Duration.ofSeconds(5)).version("9.9").create(client);
        RpcStatusException e = assertThrows(RpcStatusException.class, () -> g.hello("x"));
        assertEquals(Status.SERVICE_NOT_FOUND, e.status());
        assertTrue(e.getMessage().startsWith("SERVICE_NOT_FOUND from " + provider() + " for "), e.getMessage());
        assertTrue(hasFrame(e, "syncRefusalIsACopyWithTheCallersFramesAndTheOriginalAsCause"), Arrays.toString(e.getStackTrace()));
        RpcStatusException original = assertInstanceOf(RpcStatusException.class, e.getCause());
        assertEquals(e.getMessage(), original.getMessage());
        assertEquals(e.status(), original.status());
        assertEquals(e.requestMayHaveRun(), original.requestMayHaveRun());
    }

    @Test
    void asyncFailuresHaveTheCallSiteWhenCaptured() throws Exception {
        Greeter captured = reference(Duration.ofMillis(200)).captureCallSite(true).create(client);
        RpcTimeoutException timeout = asyncFailure(captured.slowAsync(2_000), RpcTimeoutException.class);
        assertEquals("call Greeter.slowAsync(long) to " + provider() + " timed out after 200 ms (the call's timeout)", timeout.getMessage());
        assertTrue(hasFrame(timeout, "asyncFailuresHaveTheCallSiteWhenCaptured"), Arrays.toString(timeout.getStackTrace()));
        assertInstanceOf(RpcTimeoutException.class, timeout.getCause());

        Greeter refusedCaptured = reference(Duration.ofSeconds(5)).version("9.9").captureCallSite(true).create(client);
        RpcStatusException refused = asyncFailure(refusedCaptured.helloAsync("x"), RpcStatusException.class);
        assertTrue(hasFrame(refused, "asyncFailuresHaveTheCallSiteWhenCaptured"), Arrays.toString(refused.getStackTrace()));
        assertInstanceOf(RpcStatusException.class, refused.getCause());
    }

    @Test
    void asyncFailuresHaveNoCallSiteByDefault() throws Exception {
        Greeter plain = reference(Duration.ofMillis(200)).create(client);
        RpcTimeoutException timeout = asyncFailure(plain.slowAsync(2_000), RpcTimeoutException.class);
        assertEquals("call Greeter.slowAsync(long) to " + provider() + " timed out after 200 ms (the call's timeout)", timeout.getMessage());
        assertFalse(hasFrame(timeout, "asyncFailuresHaveNoCallSiteByDefault"), Arrays.toString(timeout.getStackTrace()));

        Greeter refusedPlain = reference(Duration.ofSeconds(5)).version("9.9").create(client);
        RpcStatusException refused = asyncFailure(refusedPlain.helloAsync("x"), RpcStatusException.class);
        // (its frames may be this thread's: an answer that lands before the proxy chains on it is settled right here)
        assertSame(null, refused.getCause(), "not copied: the refusal itself");
    }

    static <T extends Throwable> T asyncFailure(CompletableFuture<?> future, Class<T> type) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause());
    }

    static boolean hasFrame(Throwable t, String method) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> isThisTest(f, method));
    }

    static boolean isThisTest(StackTraceElement f, String method) {
        return f.getClassName().equals(CallerStackTest.class.getName()) && f.getMethodName().equals(method);
    }
}
