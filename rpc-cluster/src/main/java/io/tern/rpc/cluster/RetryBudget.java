package io.tern.rpc.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket that caps retries and backup requests (Finagle's retry budget): every call deposits
 * {@code ratio} of a token, every retry or backup takes one; a reserve refilled at {@code minPerSecond} lets
 * a quiet service still retry. When both are empty the call fails with its original error instead of retrying,
 * so failing providers never see a retry storm. One budget per service key, shared by the whole process.
 */
final class RetryBudget {
    private static final Map<String, RetryBudget> PER_SERVICE = new ConcurrentHashMap<>();

    private final double ratio;
    private final int minPerSecond;
    private final double cap;
    private double balance;
    private double reserve;
    private final java.util.function.LongSupplier clock;
    private long reserveStamp;
    private long deposits;
    private long withdrawals;
    private long refusals;

    public RetryBudget(double ratio, int minPerSecond) {
        this(ratio, minPerSecond, System::nanoTime);
    }

    /** A budget on {@code clock} (nanoseconds; tests pass a fake one). */
    RetryBudget(double ratio, int minPerSecond, java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.reserveStamp = clock.getAsLong();
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.cap = Math.max(10, ratio * 1000); // bounds a burst of retries after a long quiet time
        this.reserve = minPerSecond;
    }

    /** The process-wide budget of a service; the first reference to ask sets its parameters. */
    public static RetryBudget forService(String serviceKey, double ratio, int minPerSecond) {
        return PER_SERVICE.computeIfAbsent(serviceKey, k -> new RetryBudget(ratio, minPerSecond));
    }

    /** A call was made (not a retry). */
    public synchronized void deposit() {
        deposits++;
        balance = Math.min(cap, balance + ratio);
    }

    /** Takes one token for a retry or backup; false when the budget is spent. */
    public synchronized boolean tryWithdraw() {
        long now = clock.getAsLong();
        reserve = Math.min(minPerSecond, reserve + (now - reserveStamp) / 1e9 * minPerSecond);
        reserveStamp = now;
        if (reserve >= 1) {
            reserve -= 1;
            withdrawals++;
            return true;
        }
        if (balance >= 1) {
            balance -= 1;
            withdrawals++;
            return true;
        }
        refusals++;
        return false;
    }

    /** Tokens a retry or backup could take now: the earned balance plus the per-second reserve. */
    public synchronized double level() {
        return balance + reserve;
    }

    public synchronized long deposits() {
        return deposits;
    }

    public synchronized long withdrawals() {
        return withdrawals;
    }

    /** Retries or backups refused because the budget was empty. */
    public synchronized long refusals() {
        return refusals;
    }
}
