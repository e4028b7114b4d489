package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.transport.internal.CallOutcomeListener;
import io.tern.rpc.transport.internal.ClientConnection;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One provider as the client stack sees it: its registry entry, its shared connection, and the live state the
 * policies read: calls in flight, a peak-sensitive EWMA of latency (Finagle's PeakEWMA), a short "busy" penalty
 * after it refused work for overload, its suspicion level ({@link AccrualFailureDetector}) and outlier-ejection
 * state. One object per address for as long as the registry lists it: a change of its registry data (weight,
 * timestamp) updates {@link #info()} and keeps all of that state.
 *
 * <p>Slightly over 250 lines: the state every balancer and health rule reads, and the one place each attempt's
 * outcome is written into it ({@link #send}); splitting them would make the writes reach across classes.
 */
public final class Endpoint {
    /** Latency memory of the peak EWMA: a slow answer is seen at once and forgotten over about this long. */
    static final double DECAY_NANOS = 5e9;
    /** How long a provider that refused a call for overload is avoided; doubled for each refusal in a row. */
    static final long BUSY_PENALTY_NANOS = 50_000_000L;
    static final long MAX_BUSY_PENALTY_NANOS = 1_000_000_000L;

    private volatile ProviderInfo info;
    private final ClientConnection connection;
    /** Hears each attempt's outcome before its future completes (one object per provider, not per call). */
    private final CallOutcomeListener outcomes = this::recordOutcome;
    /** Where outcomes feed outlier ejection and suspicion: the directory's; null for an endpoint made without one. */
    private volatile ProviderHealth health;
    private final AccrualFailureDetector liveness;
    private final AtomicInteger active = new AtomicInteger();
    /** Attempts sent to this provider (a striped counter: no contention between caller threads). */
    private final java.util.concurrent.atomic.LongAdder sent = new java.util.concurrent.atomic.LongAdder();
    private double ewmaNanos;
    private long ewmaStamp = System.nanoTime();
    /** Until when the provider is avoided for overload; 0 when it is not. */
    private volatile long busyUntilNanos;
    // guarded by this
    int busyStreak;
    // outlier ejection, guarded by this (ejectedUntilNanos is also read without it)
    int consecutiveFailures;
    int windowCalls;
    int windowFailures;
    int ejections;
    /** Every outlier ejection since this endpoint was made (ejections above is forgiven over time; this is not). */
    long ejectionsTotal;
    volatile long ejectedUntilNanos;
    /** Since when the provider has been admitted without a failure: each base ejection time of it forgives one ejection. */
    long healthySinceNanos;
    boolean probation;

    Endpoint(ProviderInfo info, ClientConnection connection) {
        this(info, connection, AccrualFailureDetector.Settings.DEFAULTS, System::nanoTime);
    }

    Endpoint(ProviderInfo info, ClientConnection connection, AccrualFailureDetector.Settings detection, LongSupplier clock) {
        this.info = info;
        this.connection = connection;
        this.liveness = new AccrualFailureDetector(detection, link(connection), clock, this);
    }

    private static AccrualFailureDetector.Link link(ClientConnection connection) {
        return new AccrualFailureDetector.Link() {
            @Override
            public boolean ready() {
                return connection.state() == ClientConnection.State.READY;
            }

            @Override
            public long lastInboundNanos() {
                return connection.lastInboundNanos();
            }

            @Override
            public boolean callsInFlight() {
                return connection.pendingCalls() > 0;
            }

            @Override
            public CompletableFuture<Long> ping() {
                return connection.ping();
            }
        };
    }

    public ProviderInfo info() {
        return info;
    }

    /** The registry's new data for this address (weight, timestamp...): everything learned about the provider stays. */
    void info(ProviderInfo changed) {
        if (!changed.address().equals(info.address())) {
            throw new IllegalArgumentException("endpoint " + info.address() + " cannot become " + changed.address());
        }
        this.info = changed;
    }

    public ClientConnection connection() {
        return connection;
    }

    /** Outcomes of calls to this provider feed {@code health} from now on. */
    void reportTo(ProviderHealth providerHealth) {
        this.health = providerHealth;
    }

    /**
     * Sends one attempt on this provider's connection with the time the invocation has left. Its outcome is recorded
     * (calls in flight, latency, health) before the returned future completes, so whatever waits on it sees the
     * provider's state updated.
     */
    CompletableFuture<RpcResponse> send(Invocation invocation) {
        started();
        long left = invocation.remainingMillis();
        if (left <= 0) {
            RpcTimeoutException expired = new RpcTimeoutException("call " + invocation.spec().description() + " to "
                    + connection.address() + " not sent: its deadline had already passed");
            recordOutcome(null, expired, 0);
            return CompletableFuture.failedFuture(expired);
        }
        return connection.call(invocation.request(), invocation.spec(), left, outcomes);
    }

    private void recordOutcome(RpcResponse response, Throwable failure, long latencyNanos) {
        if (failure instanceof CancellationException) {
            // the loser of a backup pair: not a failure, but it was at least this slow, and the balancer must learn
            // that (a peak EWMA takes a higher sample at once), or it keeps sending first attempts there
            finished(latencyNanos);
        } else if (RetryRules.refusedLocally(failure)) {
            abandoned(); // never reached the provider: neither a failure of it nor a latency sample
        } else {
            finished(latencyNanos);
            ProviderHealth h = health;
            if (h != null) {
                h.record(this, failure, response);
            }
        }
    }

    public String address() {
        return info.address();
    }

    /** Weight from the registry (default 100). */
    public int weight() {
        return info.weight();
    }

    /**
     * The weight ramped up over {@code warmupMillis} from the provider's start {@code timestamp}, so a provider that
     * just started (cold JIT, empty caches) gets a growing share instead of a full one at once. At least 1.
     */
    public int effectiveWeight(long nowMillis, long warmupMillis) {
        int w = info.weight();
        long uptime = nowMillis - info.timestamp();
        if (w <= 0 || warmupMillis <= 0 || info.timestamp() <= 0 || uptime >= warmupMillis) {
            return w;
        }
        return (int) Math.max(1, (long) w * Math.max(0, uptime) / warmupMillis);
    }

    /** Calls in flight on this endpoint from this process. */
    public int active() {
        return active.get();
    }

    void started() {
        active.incrementAndGet();
        sent.increment();
    }

    /** Attempts sent to this provider since it was first listed. */
    public long sent() {
        return sent.sum();
    }

    void finished(long latencyNanos) {
        active.decrementAndGet();
        observe(latencyNanos);
    }

    /** A call that never reached the provider (refused by this client): no latency sample. */
    void abandoned() {
        active.decrementAndGet();
    }

    private synchronized void observe(long latencyNanos) {
        long now = System.nanoTime();
        double w = Math.exp(-(now - ewmaStamp) / DECAY_NANOS);
        double decayed = ewmaNanos * w;
        // peak-sensitive: a slower answer is taken at once, faster ones blend in with the time since the last one
        ewmaNanos = latencyNanos > decayed ? latencyNanos : decayed + latencyNanos * (1 - w);
        ewmaStamp = now;
    }

    /**
     * Current latency estimate, decayed to now: an endpoint nobody picks any more (because it looked slow) drifts
     * back towards zero and gets probed again, instead of being starved forever.
     */
    public synchronized double ewmaNanos() {
        return ewmaNanos * Math.exp(-(System.nanoTime() - ewmaStamp) / DECAY_NANOS);
    }

    /** P2C cost: expected latency times the queue ahead of a new call, per unit of weight. */
    double cost(int weight) {
        return (ewmaNanos() + 1) * (active.get() + 1) / Math.max(1, weight);
    }

    /** Outlier ejections since this provider was first listed. */
    public synchronized long ejectionsTotal() {
        return ejectionsTotal;
    }

    /** Connected (or connecting) and not draining after GOAWAY. */
    public boolean isAvailable() {
        return connection.isAvailable();
    }

    /** Ejected: by outlier detection until its time is up, or by the failure detector until it answers probes. */
    boolean isEjected(long nowNanos) {
        return isOutlierEjected(nowNanos) || liveness.isDead();
    }

    boolean isOutlierEjected(long nowNanos) {
        long until = ejectedUntilNanos;
        return until != 0 && nowNanos - until < 0;
    }

    /** Its suspicion level says avoid it (see {@link AccrualFailureDetector}). */
    boolean isSuspect() {
        return liveness.isSuspect();
    }

    /** It refused a call for overload a moment ago. */
    boolean isBusy(long nowNanos) {
        long until = busyUntilNanos;
        return until != 0 && nowNanos - until < 0;
    }

    AccrualFailureDetector liveness() {
        return liveness;
    }

    /** One attempt's outcome, for overload steering and the failure detector. The caller holds this endpoint's lock. */
    void recordOutcome(CallOutcome outcome, long nowNanos) {
        switch (outcome) {
            case ANSWERED, ERROR_ANSWER -> {
                busyStreak = 0;
                liveness.answered();
            }
            case OVERLOADED -> {
                // steer calls elsewhere for a moment, longer while it keeps refusing; never an ejection
                busyStreak = Math.min(busyStreak + 1, 31);
                long penalty = Math.min(MAX_BUSY_PENALTY_NANOS, BUSY_PENALTY_NANOS << Math.min(busyStreak - 1, 10));
                busyUntilNanos = nowNanos + penalty;
            }
            case TIMED_OUT -> liveness.timedOut();
            default -> { } // a failed connection is outlier detection's; a call never sent says nothing
        }
    }

    @Override
    public String toString() {
        return info.address();
    }
}
