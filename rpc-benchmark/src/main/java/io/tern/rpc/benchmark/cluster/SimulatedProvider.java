package io.tern.rpc.benchmark.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One provider's implementation: it holds its executor thread for the service time (as a call to a database or a
 * cache would), so a slow answer also occupies the provider, and counts the measured calls it served (attempts that
 * reached the method: a backup's loser cancelled while still queued never does).
 */
final class SimulatedProvider implements TailService {
    private final long baseNanos;
    private final boolean slowOne;
    private volatile Scenario scenario = Scenario.HEALTHY;
    /** Calls with a key below it are the warm-up's: not counted. */
    private volatile int countFrom = Integer.MAX_VALUE;
    final LongAdder served = new LongAdder();

    SimulatedProvider(long baseNanos, boolean slowOne) {
        this.baseNanos = baseNanos;
        this.slowOne = slowOne;
    }

    /** Counts from now on the calls whose key (the open loop's call number) is at least {@code firstKey}. */
    void countFrom(int firstKey) {
        served.reset();
        countFrom = firstKey;
    }

    void scenario(Scenario s) {
        this.scenario = s;
    }

    @Override
    public CompletableFuture<Integer> get(int key) {
        if (key >= countFrom) {
            served.increment();
        }
        long nanos = slowOne ? scenario.slowProviderNanos(baseNanos, ThreadLocalRandom.current()) : baseNanos;
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left); // may wake early: park again for the rest
        }
        return CompletableFuture.completedFuture(key);
    }
}
