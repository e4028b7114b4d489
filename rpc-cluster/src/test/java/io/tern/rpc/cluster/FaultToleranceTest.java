package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry, backup, budget and deadline rules of the fault-tolerance link, with a fake next link and a fake clock. */
class FaultToleranceTest {
    private final FakeLinks.Clock clock = new FakeLinks.Clock();
    private final FakeLinks.Next next = new FakeLinks.Next();

    private FaultTolerance link(int retries, RetryBudget budget, BackupPolicy backup, Duration attemptTimeout) {
        return new FaultTolerance(retries, budget, backup, attemptTimeout.toNanos(), clock::nanoTime, clock);
    }

    private FaultTolerance failover(int retries) {
        return link(retries, plentyOfBudget(), BackupPolicy.OFF, Duration.ZERO);
    }

    private RetryBudget plentyOfBudget() {
        return new RetryBudget(1.0, 100, clock::nanoTime);
    }

    private static RpcResponse busy() {
        return RpcResponse.status(Status.SERVER_BUSY, "busy");
    }

    private static Throwable failureOf(CompletableFuture<RpcResponse> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aRefusalThatNeverRanIsRetriedAsTheNextAttempt() throws Exception {
        CompletableFuture<RpcResponse> result = failover(2).filter(FakeLinks.call(clock, false, 1000), next);
        next.attempt(0).complete(busy());
        assertEquals(2, next.calls());
        assertEquals("1", next.attachment(1, RpcRequest.ATTEMPT));
        next.attempt(1).complete(RpcResponse.ok("hi"));
        assertEquals("hi", result.get(1, TimeUnit.SECONDS).result());
    }

    @Test
    void retriesStopAtTheConfiguredCountWithTheLastAnswer() throws Exception {
        CompletableFuture<RpcResponse> result = failover(2).filter(FakeLinks.call(clock, false, 1000), next);
        for (int i = 0; i < 3; i++) {
            next.attempt(i).complete(busy());
        }
        assertEquals(3, next.calls());
        assertEquals(Status.SERVER_BUSY, result.get(1, TimeUnit.SECONDS).status());
    }

    @Test
    void aCallThatMayHaveRunIsRepeatedOnlyIfIdempotent() {
        CompletableFuture<RpcResponse> once = failover(2).filter(FakeLinks.call(clock, false, 1000), next);
        RpcConnectionException dropped = new RpcConnectionException("dropped in flight", true, null);
        next.attempt(0).completeExceptionally(dropped);
        assertSame(dropped, failureOf(once));
        assertEquals(1, next.calls());

        failover(2).filter(FakeLinks.call(clock, true, 1000), next);
        next.attempt(1).completeExceptionally(new RpcTimeoutException("timed out"));
        assertEquals(3, next.calls(), "an idempotent call lost in transit is sent again");
    }

    @Test
    void applicationErrorsAreNeverRetried() throws Exception {
        CompletableFuture<RpcResponse> result = failover(2).filter(FakeLinks.call(clock, true, 1000), next);
        next.attempt(0).complete(RpcResponse.error(new IllegalStateException("no")));
        assertEquals(Status.APPLICATION_ERROR, result.get(1, TimeUnit.SECONDS).status());
        assertEquals(1, next.calls());
    }

    @Test
    void anEmptyBudgetStopsRetries() throws Exception {
        RetryBudget empty = new RetryBudget(0, 0, clock::nanoTime);
        CompletableFuture<RpcResponse> result = link(2, empty, BackupPolicy.OFF, Duration.ZERO).filter(FakeLinks.call(clock, false, 1000), next);
        next.attempt(0).complete(busy());
        assertEquals(Status.SERVER_BUSY, result.get(1, TimeUnit.SECONDS).status());
        assertEquals(1, next.calls());
        assertEquals(1, empty.refusals());
    }

    @Test
    void theBudgetReserveRefillsWithTime() {
        RetryBudget budget = new RetryBudget(0, 10, clock::nanoTime); // 10 a second, no share of calls
        for (int i = 0; i < 10; i++) {
            assertTrue(budget.tryWithdraw());
        }
        assertFalse(budget.tryWithdraw());
        clock.advanceMillis(100);
        assertTrue(budget.tryWithdraw(), "one token back after 100 ms at 10 per second");
        assertFalse(budget.tryWithdraw());
    }

    @Test
    void aProviderGoingAwayIsRetriedOnceEvenUnderFailfastAndWithoutBudget() throws Exception {
        RetryBudget empty = new RetryBudget(0, 0, clock::nanoTime);
        CompletableFuture<RpcResponse> result = link(0, empty, BackupPolicy.OFF, Duration.ZERO).filter(FakeLinks.call(clock, false, 1000), next);
        next.attempt(0).complete(RpcResponse.status(Status.SHUTTING_DOWN, "bye"));
        assertEquals(2, next.calls());
        next.attempt(1).complete(RpcResponse.status(Status.SHUTTING_DOWN, "bye too"));
        assertEquals(Status.SHUTTING_DOWN, result.get(1, TimeUnit.SECONDS).status());
        assertEquals(2, next.calls(), "the transparent retry is used once per call");
        assertEquals(0, empty.withdrawals());
    }

    @Test
    void noRetryOnceTheDeadlineHasPassed() throws Exception {
        CompletableFuture<RpcResponse> result = failover(2).filter(FakeLinks.call(clock, false, 100), next);
        clock.advanceMillis(101);
        next.attempt(0).complete(busy());
        assertEquals(Status.SERVER_BUSY, result.get(1, TimeUnit.SECONDS).status());
        assertEquals(1, next.calls());
    }

    @Test
    void theNoRetryMarkOfANestedCallIsHonoured() throws Exception {
        Invocation nested = FakeLinks.call(clock, true, 1000);
        nested.request().attachments().put(RpcRequest.NO_RETRY, "1");
        CompletableFuture<RpcResponse> result = failover(2).filter(nested, next);
        next.attempt(0).complete(busy());
        assertEquals(Status.SERVER_BUSY, result.get(1, TimeUnit.SECONDS).status());
        assertEquals(1, next.calls());
    }

    @Test
    void noProviderLeftKeepsThePreviousAttemptsOutcome() throws Exception {
        CompletableFuture<RpcResponse> result = failover(2).filter(FakeLinks.call(clock, false, 1000), next);
        next.attempt(0).complete(busy());
        next.attempt(1).completeExceptionally(new NoProviderException("none left"));
        assertEquals(Status.SERVER_BUSY, result.get(1, TimeUnit.SECONDS).status());
    }

    @Test
    void aBackupGoesOutAfterTheDelayAndTheFirstAnswerWins() throws Exception {
        FaultTolerance link = link(2, plentyOfBudget(), BackupPolicy.parse("20ms"), Duration.ZERO);
        CompletableFuture<RpcResponse> result = link.filter(FakeLinks.call(clock, true, 1000), next);
        clock.advanceMillis(19);
        assertEquals(1, next.calls());
        clock.advanceMillis(1);
        assertEquals(2, next.calls(), "the backup is sent at 20 ms");
        assertEquals("1", next.attachment(1, RpcRequest.ATTEMPT));
        assertEquals("980", next.attachment(1, RpcRequest.DEADLINE_MS), "the backup shares the call's deadline");
        next.attempt(1).complete(RpcResponse.ok("backup"));
        assertEquals("backup", result.get(1, TimeUnit.SECONDS).result());
        assertTrue(next.attempt(0).isCancelled(), "the loser is cancelled, so the provider gets CANCEL");
    }

    @Test
    void noBackupWhenTheDeadlineComesFirstOrTheMethodIsNotIdempotent() {
        FaultTolerance link = link(2, plentyOfBudget(), BackupPolicy.parse("50ms"), Duration.ZERO);
        link.filter(FakeLinks.call(clock, true, 40), next);
        link.filter(FakeLinks.call(clock, false, 1000), next);
        assertEquals(0, clock.pendingTasks());
        clock.advanceMillis(60);
        assertEquals(2, next.calls());
    }

    @Test
    void aPercentileBackupWaitsForLatencyHistory() throws Exception {
        FaultTolerance link = link(2, plentyOfBudget(), BackupPolicy.parse("p90"), Duration.ZERO);
        link.filter(FakeLinks.call(clock, true, 1000), next);
        assertEquals(0, clock.pendingTasks(), "no history: no backup");
        int history = LatencyTracker.RECOMPUTE_EVERY + 1; // the percentile is first computed at this many samples
        for (int i = 1; i <= history; i++) { // answers in 10 ms each
            clock.advanceMillis(10);
            next.attempt(i - 1).complete(RpcResponse.ok(i));
            link.filter(FakeLinks.call(clock, true, 1000), next);
        }
        assertEquals(1, clock.pendingTasks(), "with history, the call in flight has a backup scheduled");
        clock.advanceMillis(11);
        assertEquals(history + 2, next.calls(), "the backup went out at about the p90 of 10 ms");
    }

    @Test
    void aPerAttemptTimeoutGivesIdempotentAttemptsTheirOwnDeadline() {
        FaultTolerance link = link(2, plentyOfBudget(), BackupPolicy.OFF, Duration.ofMillis(100));
        link.filter(FakeLinks.call(clock, true, 1000), next);
        Invocation first = next.invocations.get(0);
        assertEquals(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100), first.deadlineNanos());
        assertEquals("100", first.request().attachment(RpcRequest.DEADLINE_MS));
        clock.advanceMillis(100);
        next.attempt(0).completeExceptionally(new RpcTimeoutException("attempt timed out"));
        assertEquals(2, next.calls());
        assertEquals(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100), next.invocations.get(1).deadlineNanos());

        Invocation whole = FakeLinks.call(clock, false, 1000);
        link.filter(whole, next);
        assertSame(whole, next.invocations.get(2), "a non-idempotent call keeps the whole deadline: it is never retried after a timeout");
    }

    @Test
    void cancellingTheCallCancelsEveryAttemptAndTheBackupTimer() {
        FaultTolerance link = link(2, plentyOfBudget(), BackupPolicy.parse("20ms"), Duration.ZERO);
        CompletableFuture<RpcResponse> result = link.filter(FakeLinks.call(clock, true, 1000), next);
        assertEquals(1, clock.pendingTasks());
        result.cancel(true);
        assertTrue(next.attempt(0).isCancelled());
        assertEquals(0, clock.pendingTasks());
        clock.advanceMillis(50);
        assertEquals(1, next.calls(), "no backup after a cancel");
    }
}
