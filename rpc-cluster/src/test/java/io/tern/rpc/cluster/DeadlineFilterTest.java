package io.tern.rpc.cluster;

import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.RpcContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deadline link with a fake clock and a fake next link. */
class DeadlineFilterTest {
    private final FakeLinks.Clock clock = new FakeLinks.Clock();
    private final FakeLinks.Next next = new FakeLinks.Next();

    @Test
    void aCallOutsideAServedRequestKeepsItsOwnDeadline() {
        Invocation call = FakeLinks.call(clock, false, 3000);
        new DeadlineFilter(clock::nanoTime, () -> null).filter(call, next);
        assertSame(call, next.invocations.get(0));
        assertNull(call.request().attachment(RpcRequest.NO_RETRY));
    }

    @Test
    void aCallMadeWhileServingARequestGetsOnlyTheTimeThatRequestHasLeft() {
        RpcContext nearlyDone = RpcContext.of(Map.of(), Duration.ofMillis(500)); // on the real clock: a little less by now
        new DeadlineFilter(clock::nanoTime, () -> nearlyDone).filter(FakeLinks.call(clock, false, 3000), next);
        Invocation sent = next.invocations.get(0);
        long leftMillis = (sent.deadlineNanos() - clock.nanoTime()) / 1_000_000L;
        assertTrue(leftMillis > 0 && leftMillis <= 500, "the call gets what the request has left, was " + leftMillis + " ms");
        assertEquals(Long.toString(leftMillis), sent.request().attachment(RpcRequest.DEADLINE_MS));
        assertEquals("1", sent.request().attachment(RpcRequest.NO_RETRY), "a nested call is not retried: its caller may be");
    }

    @Test
    void aServedRequestWithoutADeadlineLeavesTheCallsTimeout() {
        RpcContext noDeadline = RpcContext.of(Map.of(), null);
        Invocation call = FakeLinks.call(clock, false, 3000);
        new DeadlineFilter(clock::nanoTime, () -> noDeadline).filter(call, next);
        assertEquals(call.deadlineNanos(), next.invocations.get(0).deadlineNanos());
        assertEquals("3000", next.invocations.get(0).request().attachment(RpcRequest.DEADLINE_MS));
    }

    @Test
    void aCallWhoseTimeIsGoneFailsBeforeAnythingIsSent() {
        RpcContext expired = RpcContext.of(Map.of(), Duration.ofMillis(-1));
        var result = new DeadlineFilter(clock::nanoTime, () -> expired).filter(FakeLinks.call(clock, false, 3000), next);
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(1, TimeUnit.SECONDS));
        assertInstanceOf(RpcTimeoutException.class, e.getCause());
        assertEquals(0, next.calls());
    }
}
