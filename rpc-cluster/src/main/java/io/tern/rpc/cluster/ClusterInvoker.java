package io.tern.rpc.cluster;

import io.netty.util.Timeout;
import io.tern.rpc.NoProviderException;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.Attachments;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fault tolerance over a {@link Directory}: the load balancer picks a provider; what happens on failure depends on
 * whether the request may have run.
 *
 * <ul>
 *   <li>Never ran (connect refused, GOAWAY, SERVER_BUSY, SHUTTING_DOWN, SERVICE_NOT_FOUND, DEADLINE_EXCEEDED in the
 *   provider's queue): retried on another provider. A refusal because a provider is going away is retried once
 *   even under {@code failfast} and without spending budget (a transparent retry, as gRPC does): it cannot
 *   duplicate work.</li>
 *   <li>May have run (dropped in flight, timeout): retried only for idempotent methods.</li>
 *   <li>Application exceptions: never retried.</li>
 *   <li>Refused by this client before sending, for what the call is (over rpc.max-frame-length, arguments that cannot
 *   be encoded): never retried, and not held against the provider.</li>
 * </ul>
 * Every retry and backup request takes a token from the service's {@link RetryBudget}; all attempts share the
 * call's deadline. Backup requests (idempotent methods only) go to a different provider when the first attempt
 * has not answered after the configured delay; the first success wins and the other answer is discarded.
 */
public final class ClusterInvoker implements Invoker {
    private final Directory directory;
    private final LoadBalancer loadBalancer;
    private final int retries;
    private final RetryBudget budget;
    private final BackupPolicy backup;
    private final LatencyTracker latencies;
    /** Longest an attempt may take before it is given up (and an idempotent call retried); 0: the whole deadline. */
    private final long attemptTimeoutNanos;

    public ClusterInvoker(Directory directory, LoadBalancer loadBalancer, int retries) {
        this(directory, loadBalancer, retries, new RetryBudget(0.1, 10), BackupPolicy.OFF);
    }

    public ClusterInvoker(Directory directory, LoadBalancer loadBalancer, int retries, RetryBudget budget, BackupPolicy backup) {
        this(directory, loadBalancer, retries, budget, backup, java.time.Duration.ZERO);
    }

    /**
     * @param retries        extra attempts after the first (0 = failfast)
     * @param attemptTimeout per-attempt timeout (zero: off)
     */
    public ClusterInvoker(Directory directory, LoadBalancer loadBalancer, int retries, RetryBudget budget, BackupPolicy backup,
                          java.time.Duration attemptTimeout) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
        this.directory = directory;
        this.loadBalancer = loadBalancer;
        this.retries = retries;
        this.budget = budget;
        this.backup = backup;
        this.latencies = new LatencyTracker(backup.percentile() > 0 ? backup.percentile() : 95);
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
    }

    public RetryBudget budget() {
        return budget;
    }

    @Override
    public CompletableFuture<RpcResponse> invoke(Invocation invocation) {
        Call call = new Call(invocation);
        CompletableFuture<Void> first = directory.firstProviders();
        if (first.isDone()) {
            call.start();
        } else {
            // a reference's first call waits, within its own deadline, for the first provider list: each waiter times
            // out on a copy, so the shortest deadline never fails the others or the list future itself
            first.copy().orTimeout(Math.max(1, invocation.remainingMillis()), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
                if (e == null) {
                    call.start();
                } else {
                    call.result.completeExceptionally(noProvider(invocation, e instanceof TimeoutException || e.getCause() instanceof TimeoutException
                            ? "none registered before the call's deadline" : e.toString()));
                }
            });
        }
        return call.result;
    }

    /** One logical call: its attempts (retries and backups), all sharing one deadline and one result. */
    private final class Call {
        final Invocation invocation;
        /** The call's result; cancelling it (the caller gave up) cancels every attempt in flight, which sends CANCEL. */
        final CompletableFuture<RpcResponse> result = new io.tern.rpc.transport.CallFuture<>() { // refuses get/join on an I/O thread
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    abandon();
                }
                return cancelled;
            }
        };
        final List<Endpoint> tried = new ArrayList<>(2);
        final List<CompletableFuture<RpcResponse>> inFlight = new ArrayList<>(2);
        int attempts;
        int outstanding;
        boolean transparentRetryUsed;
        boolean done;
        Throwable lastFailure;
        RpcResponse lastResponse;
        Timeout backupTimer;

        Call(Invocation invocation) {
            this.invocation = invocation;
        }

        void start() {
            budget.deposit();
            synchronized (this) {
                if (!send()) {
                    finish();
                    return;
                }
            }
            scheduleBackup();
        }

        /** Sends the next attempt to an untried provider if possible; false when no provider is available. Holds the lock. */
        private boolean send() {
            Endpoint endpoint = pick();
            if (endpoint == null) {
                if (lastFailure == null && lastResponse == null) {
                    List<Endpoint> all = directory.all();
                    lastFailure = noProvider(invocation, all.isEmpty() ? "none registered" : all.size() + " registered, none reachable: " + describe(all));
                }
                return false;
            }
            int attempt = attempts++;
            tried.add(endpoint);
            outstanding++;
            Invocation current = attempt == 0 && !cutByAttemptTimeout() ? invocation
                    : withAttempt(invocation, attempt, attemptDeadline());
            endpoint.started();
            long startNanos = System.nanoTime();
            CompletableFuture<RpcResponse> attemptFuture = new ConnectionInvoker(endpoint.connection()).invoke(current);
            inFlight.add(attemptFuture);
            attemptFuture.whenComplete((response, error) -> onResult(endpoint, startNanos, response, error));
            return true;
        }

        /** The deadline of an attempt starting now: the call's, or sooner under a per-attempt timeout. */
        private long attemptDeadline() {
            return cutByAttemptTimeout() ? System.nanoTime() + attemptTimeoutNanos : invocation.deadlineNanos();
        }

        /** Only an idempotent call is cut: it is the only kind that may be retried after a timeout. */
        private boolean cutByAttemptTimeout() {
            return attemptTimeoutNanos > 0 && invocation.idempotent() && invocation.deadlineNanos() - System.nanoTime() > attemptTimeoutNanos;
        }

        /** The balancer's pick past the providers already tried; null when none is available or it cannot route the call. */
        private Endpoint pick() {
            List<Endpoint> available = directory.candidates(); // neither suspect nor busy, while there are such
            if (available.isEmpty()) {
                return null;
            }
            try {
                return loadBalancer.select(available, invocation, tried);
            } catch (RuntimeException e) {
                // the balancer cannot route this call (a hash key with no stable form): the call fails with its reason
                lastFailure = e;
                lastResponse = null;
                return null;
            }
        }

        private void scheduleBackup() {
            if (!backup.enabled() || !invocation.idempotent() || noRetryMark(invocation)) {
                return;
            }
            long delayNanos = backup.fixedDelay() != null ? backup.fixedDelay().toNanos() : latencies.percentileNanos();
            if (delayNanos <= 0 || delayNanos >= invocation.deadlineNanos() - System.nanoTime()) {
                return; // no latency history yet, or the deadline comes first
            }
            Timeout t = directory.client().timer().newTimeout(x -> sendBackup(), delayNanos, TimeUnit.NANOSECONDS);
            synchronized (this) {
                backupTimer = t;
            }
        }

        private void sendBackup() {
            synchronized (this) {
                if (done || outstanding == 0 || invocation.remainingMillis() <= 0 || !budget.tryWithdraw()) {
                    return;
                }
                send();
            }
        }

        private void onResult(Endpoint endpoint, long startNanos, RpcResponse response, Throwable error) {
            if (error instanceof java.util.concurrent.CancellationException) {
                // the loser of a backup pair: not a failure, but it was at least this slow, and the balancer must
                // learn that (a peak EWMA takes a higher sample at once), or it keeps sending first attempts there
                endpoint.finished(System.nanoTime() - startNanos);
                synchronized (this) {
                    outstanding--;
                }
                return;
            }
            long latency = System.nanoTime() - startNanos;
            Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (refusedLocally(failure)) {
                endpoint.abandoned(); // never reached the provider: neither a failure of it nor a latency sample
            } else {
                endpoint.finished(latency);
                directory.record(endpoint, failure, response);
            }
            if (failure == null && response.status() == Status.OK) {
                latencies.record(latency);
            }
            synchronized (this) {
                outstanding--;
                if (done) {
                    return; // a backup's loser that answered before it could be cancelled
                }
                boolean neverRan = failure != null ? !mayHaveRun(failure) : response.status().neverRan();
                if (failure == null && !neverRan) {
                    lastResponse = response;
                    lastFailure = null;
                    finish();
                    return;
                }
                if (failure != null) {
                    lastFailure = failure;
                } else {
                    lastResponse = response;
                    lastFailure = null;
                }
                if (outstanding > 0) {
                    return; // a backup is still running: wait for it
                }
                if (retryAllowed(failure, response, neverRan) && send()) {
                    return;
                }
                finish();
            }
        }

        private boolean retryAllowed(Throwable failure, RpcResponse response, boolean neverRan) {
            if (invocation.remainingMillis() <= 0 || refusedLocally(failure)) {
                return false;
            }
            if (neverRan && !transparentRetryUsed && isGoingAway(failure, response)) {
                transparentRetryUsed = true;
                return true;
            }
            boolean safe = neverRan || (invocation.idempotent() && (failure instanceof RpcConnectionException || failure instanceof RpcTimeoutException));
            return safe && attempts <= retries && !noRetryMark(invocation) && budget.tryWithdraw();
        }

        /** The caller cancelled: stop the backup timer and cancel the attempts in flight. */
        private void abandon() {
            List<CompletableFuture<RpcResponse>> attempts;
            synchronized (this) {
                done = true;
                if (backupTimer != null) {
                    backupTimer.cancel();
                }
                attempts = new ArrayList<>(inFlight);
            }
            for (CompletableFuture<RpcResponse> f : attempts) {
                f.cancel(false);
            }
        }

        /** Holds the lock. */
        private void finish() {
            done = true;
            if (backupTimer != null) {
                backupTimer.cancel();
            }
            for (CompletableFuture<RpcResponse> f : inFlight) {
                if (!f.isDone()) {
                    f.cancel(false); // the other attempt of a backup pair: stop waiting for it
                }
            }
            if (lastFailure != null) {
                result.completeExceptionally(lastFailure);
            } else {
                result.complete(lastResponse);
            }
        }
    }

    /** A refusal because the provider is leaving (GOAWAY seen, SHUTTING_DOWN, or not connected any more). */
    private static boolean isGoingAway(Throwable failure, RpcResponse response) {
        if (failure instanceof RpcConnectionException c) {
            return !c.requestMayHaveRun();
        }
        return failure == null && response.status() == Status.SHUTTING_DOWN;
    }

    /**
     * Refused by this client before sending, for what the call itself is (a request over rpc.max-frame-length,
     * arguments that cannot be encoded): its status is not one that SPEC §2 calls safe to retry elsewhere, and
     * every provider would get the same refusal. Not retried. A refusal about the connection (not connected,
     * GOAWAY, too many calls pending on it) is different: another provider may take the call.
     */
    private static boolean refusedLocally(Throwable failure) {
        return failure instanceof RpcException r && !r.requestMayHaveRun() && !(failure instanceof RpcConnectionException)
                && !r.status().neverRan();
    }

    private static boolean mayHaveRun(Throwable failure) {
        if (failure instanceof RpcException r) {
            return r.requestMayHaveRun();
        }
        return true;
    }

    private static boolean noRetryMark(Invocation invocation) {
        return invocation.request().attachment(RpcRequest.NO_RETRY) != null;
    }

    /** The invocation of attempt {@code attempt}, due by {@code deadlineNanos}; the provider is told that deadline. */
    private static Invocation withAttempt(Invocation invocation, int attempt, long deadlineNanos) {
        RpcRequest r = invocation.request();
        Map<String, String> attachments = Attachments.copyOf(r.attachments());
        attachments.put(RpcRequest.ATTEMPT, Integer.toString(attempt));
        attachments.put(RpcRequest.DEADLINE_MS, Long.toString(Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L)));
        RpcRequest copy = new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(), attachments);
        return new Invocation(copy, invocation.spec(), invocation.idempotent(), deadlineNanos);
    }

    private static String describe(List<Endpoint> endpoints) {
        StringBuilder sb = new StringBuilder("[");
        for (Endpoint e : endpoints) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.address()).append(' ').append(e.connection().state());
        }
        return sb.append(']').toString();
    }

    private NoProviderException noProvider(Invocation invocation, String why) {
        return new NoProviderException("no provider for " + directory.serviceKey() + " (" + invocation.spec().description() + "): "
                + why + "; looked in " + directory.describe());
    }

}
