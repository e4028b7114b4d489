package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.internal.CallFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The fault-tolerance link: failover (failfast is failover with no retries) and backup requests, each attempt sent
 * through the next link (balancing, then the connection). What may be retried is {@link RetryRules}'; a refusal
 * because a provider is going away is retried once even under failfast and without spending budget (a transparent
 * retry, as gRPC does): it cannot duplicate work. Every other retry and every backup takes a token from the
 * service's {@link RetryBudget}; all attempts share the call's deadline, or get a shorter one of their own under a
 * per-attempt timeout (idempotent methods only, as Envoy's per-try timeout). A backup request (idempotent methods
 * only) goes to another provider when the first attempt has not answered after the policy's delay; the first
 * answer that is not a "never ran" refusal wins, and the other attempt is cancelled (the provider gets CANCEL).
 */
final class FaultTolerance implements ClientFilter {
    private final int retries;
    private final RetryBudget budget;
    private final BackupPolicy backup;
    /** Retries and backups sent (read by the reference's view; they happen on the slow paths only). */
    private final java.util.concurrent.atomic.LongAdder retriesSent = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder backupsSent = new java.util.concurrent.atomic.LongAdder();
    private final LatencyTracker latencies;
    /** Longest an attempt may take before it is given up (and an idempotent call retried); 0: the whole deadline. */
    private final long attemptTimeoutNanos;
    private final LongSupplier clock;
    private final Scheduler scheduler;

    /**
     * @param retries        extra attempts after the first (0 = failfast)
     * @param attemptTimeout per-attempt timeout in nanoseconds (0: off)
     */
    FaultTolerance(int retries, RetryBudget budget, BackupPolicy backup, long attemptTimeoutNanos, LongSupplier clock, Scheduler scheduler) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
        this.retries = retries;
        this.budget = budget;
        this.backup = backup;
        this.latencies = new LatencyTracker(backup.percentile() > 0 ? backup.percentile() : 95);
        this.attemptTimeoutNanos = attemptTimeoutNanos;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        Call call = new Call(invocation, next);
        call.start();
        return call.result;
    }

    RetryBudget budget() {
        return budget;
    }

    long retriesSent() {
        return retriesSent.sum();
    }

    long backupsSent() {
        return backupsSent.sum();
    }

    /** One logical call: its attempts (retries and backups), all sharing one deadline and one result. */
    private final class Call {
        final Invocation invocation;
        final Invoker next;
        /** The call's result; cancelling it (the caller gave up) cancels every attempt in flight, which sends CANCEL. */
        final CompletableFuture<RpcResponse> result = new CallFuture<>() { // refuses get/join on an I/O thread
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    abandon();
                }
                return cancelled;
            }
        };
        final List<CompletableFuture<RpcResponse>> inFlight = new ArrayList<>(2);
        int attempts;
        int outstanding;
        boolean transparentRetryUsed;
        boolean done;
        Throwable lastFailure;
        RpcResponse lastResponse;
        /** The provider of the attempt lastFailure / lastResponse came from (null: none picked). */
        Endpoint lastEndpoint;
        Runnable cancelBackup;

        Call(Invocation invocation, Invoker next) {
            this.invocation = invocation;
            this.next = next;
        }

        void start() {
            budget.deposit();
            synchronized (this) {
                send();
            }
            scheduleBackup();
        }

        /** Sends the next attempt. Holds the lock; its outcome may arrive (and be handled) before this returns. */
        private void send() {
            int attempt = attempts++;
            outstanding++;
            long now = clock.getAsLong();
            boolean cut = cutByAttemptTimeout(now);
            Invocation current = attempt == 0 && !cut ? invocation : withAttempt(attempt, cut ? now + attemptTimeoutNanos : invocation.deadlineNanos(), now);
            long startNanos = now;
            List<Endpoint> tried = invocation.tried(); // shared with current: the balancing link adds this attempt's pick
            int picked = tried.size();
            CompletableFuture<RpcResponse> attemptFuture = next.invoke(current);
            Endpoint to = tried.size() > picked ? tried.get(tried.size() - 1) : null;
            inFlight.add(attemptFuture);
            attemptFuture.whenComplete((response, error) -> onResult(attempt == 0, startNanos, to, response, error));
        }

        /** Only an idempotent call is cut: it is the only kind that may be retried after a timeout. */
        private boolean cutByAttemptTimeout(long now) {
            return attemptTimeoutNanos > 0 && invocation.idempotent() && invocation.deadlineNanos() - now > attemptTimeoutNanos;
        }

        private void scheduleBackup() {
            if (!backup.enabled() || !invocation.idempotent() || RetryRules.noRetryMark(invocation)) {
                return;
            }
            long delayNanos = backup.fixedDelay() != null ? backup.fixedDelay().toNanos() : latencies.percentileNanos();
            if (delayNanos <= 0 || delayNanos >= invocation.deadlineNanos() - clock.getAsLong()) {
                return; // no latency history yet, or the deadline comes first
            }
            Runnable cancel = scheduler.schedule(this::sendBackup, delayNanos);
            synchronized (this) {
                if (done) {
                    cancel.run();
                } else {
                    cancelBackup = cancel;
                }
            }
        }

        private void sendBackup() {
            synchronized (this) {
                if (done || outstanding == 0 || invocation.remainingMillis(clock.getAsLong()) <= 0 || !budget.tryWithdraw()) {
                    return;
                }
                backupsSent.increment();
                send();
            }
        }

        /**
         * The backup percentile is of first attempts (so a backup at pN goes out for about (100 - N)% of calls), and a
         * first attempt that lost the race to its backup counts as at least as slow as when it was cancelled: left
         * out, every slow attempt a backup rescued would leave the history and the percentile would sink, sending
         * ever more backups.
         */
        private void onResult(boolean first, long startNanos, Endpoint to, RpcResponse response, Throwable error) {
            if (error instanceof CancellationException) {
                if (first && !result.isCancelled()) { // the loser of a backup pair, not a call the caller gave up
                    latencies.record(clock.getAsLong() - startNanos);
                }
                synchronized (this) { // cancelled: not an outcome of the call
                    outstanding--;
                }
                return;
            }
            Throwable failure = Failures.unwrap(error);
            if (first && failure == null && response.status() == Status.OK) {
                latencies.record(clock.getAsLong() - startNanos);
            }
            synchronized (this) {
                outstanding--;
                if (done) {
                    return; // a backup's loser that answered before it could be cancelled
                }
                if (failure instanceof NoProviderException && (lastFailure != null || lastResponse != null)) {
                    if (outstanding == 0) {
                        finish(); // nowhere left to send it: the previous attempt's outcome is the call's
                    }
                    return;
                }
                boolean neverRan = RetryRules.neverRan(failure, response);
                lastFailure = failure;
                lastResponse = failure == null ? response : null;
                lastEndpoint = to;
                if (failure == null && !neverRan) {
                    finish();
                    return;
                }
                if (outstanding > 0) {
                    return; // a backup is still running: wait for it
                }
                if (retryAllowed(failure, response, neverRan)) {
                    retriesSent.increment();
                    send();
                    return;
                }
                finish();
            }
        }

        private boolean retryAllowed(Throwable failure, RpcResponse response, boolean neverRan) {
            if (failure instanceof NoProviderException || invocation.remainingMillis(clock.getAsLong()) <= 0 || RetryRules.refusedLocally(failure)) {
                return false;
            }
            if (neverRan && !transparentRetryUsed && RetryRules.isGoingAway(failure, response)) {
                transparentRetryUsed = true;
                return true;
            }
            return RetryRules.safeToRepeat(failure, neverRan, invocation.idempotent()) && attempts <= retries
                    && !RetryRules.noRetryMark(invocation) && budget.tryWithdraw();
        }

        /** The caller cancelled: stop the backup timer and cancel the attempts in flight. */
        private void abandon() {
            List<CompletableFuture<RpcResponse>> running;
            synchronized (this) {
                done = true;
                if (cancelBackup != null) {
                    cancelBackup.run();
                }
                running = new ArrayList<>(inFlight);
            }
            for (CompletableFuture<RpcResponse> f : running) {
                f.cancel(false);
            }
        }

        /** Holds the lock. */
        private void finish() {
            done = true;
            if (cancelBackup != null) {
                cancelBackup.run();
            }
            for (CompletableFuture<RpcResponse> f : inFlight) {
                if (!f.isDone()) {
                    f.cancel(false); // the other attempt of a backup pair: stop waiting for it
                }
            }
            invocation.answeredBy(lastEndpoint);
            if (lastFailure != null) {
                result.completeExceptionally(lastFailure);
            } else {
                result.complete(lastResponse);
            }
        }

        /** The invocation of attempt {@code attempt}, due by {@code deadlineNanos}; the provider is told that deadline. */
        private Invocation withAttempt(int attempt, long deadlineNanos, long now) {
            RpcRequest r = invocation.request();
            Attachments attachments = Attachments.copyOf(r.attachments());
            attachments.put(RpcRequest.ATTEMPT, Integer.toString(attempt));
            attachments.put(RpcRequest.DEADLINE_MS, Long.toString(Math.max(0, (deadlineNanos - now) / 1_000_000L)));
            return invocation.with(new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(), attachments), deadlineNanos);
        }
    }
}
