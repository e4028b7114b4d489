package io.tern.rpc.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The suspicion level φ of one provider, after Hayashibara et al., "The φ accrual failure detector" (2004): φ is
 * −log10 of the probability that a live provider stays silent as long as this one has, given the recent intervals
 * between the things it sent (φ = 1: a 10% chance that it is merely slow, φ = 3: 0.1%, φ = 8: 10⁻⁸). Added to it,
 * the evidence of calls that got no answer in time.
 *
 * <p><b>Silence is counted only while an answer is awaited.</b> A provider sends only in answer to a call or a PING,
 * so the detector's clock runs only while one is in flight: an idle consumer makes no provider suspect, and a
 * provider that swallows every request accrues suspicion across all the calls sent to it. Intervals are modelled as
 * normally distributed (mean and deviation of the last {@value #WINDOW}), with a floor on the deviation: a provider
 * that answers every few microseconds would otherwise look dead after a millisecond. The floor is what sets how long
 * a silence must last to matter: φ = 3 after about mean + 3.1 × floor, φ = 8 after about mean + 5.2 × floor.
 *
 * <p><b>Timeouts.</b> A call that timed out adds −log10(p) to φ, p being the provider's recent timeout rate
 * (Laplace-smoothed over about the last {@value #OUTCOME_WINDOW} calls), so k timeouts in a row weigh as the
 * probability p^k of such a run on a live provider: two in a row make a provider that always answered in time
 * suspect, while a provider whose calls often time out needs a longer run. Any answer clears that evidence, and it
 * halves every {@link #OUTCOME_HALF_LIFE_NANOS} ns, so a provider avoided for its timeouts is tried again later.
 *
 * <p>Fed by polling ({@link #observe}): arrivals between two looks count as one. Not thread-safe; the owner
 * serialises calls. Times come from the injected clock, in nanoseconds.
 */
final class PhiAccrualDetector {
    static final int WINDOW = 100;
    static final int OUTCOME_WINDOW = 100;
    static final long OUTCOME_HALF_LIFE_NANOS = 5_000_000_000L;

    private final LongSupplier clock;
    private final double minStdDevNanos;
    private final long[] intervals = new long[WINDOW];
    private int samples;
    private int nextSample;
    private double sum;
    private double sumOfSquares;

    /** The waiting clock: time that passed while an answer was awaited. */
    private long waitingNanos;
    /** The waiting clock when the last arrival was seen. */
    private long arrivalWaitingNanos;
    private long lastInboundNanos;
    private long lastObservedNanos;
    private boolean awaiting;

    private double outcomePhi;
    private long outcomeStampNanos;
    private int outcomeCalls;
    private int outcomeTimeouts;

    PhiAccrualDetector(Duration minStdDev, LongSupplier clock) {
        this.clock = clock;
        this.minStdDevNanos = minStdDev.toNanos();
        this.lastObservedNanos = clock.getAsLong();
    }

    /**
     * One look at the provider: when it last sent anything ({@code lastInboundNanos}: a change is an arrival) and
     * whether an answer is awaited now. Time since the previous look counts as waiting if an answer was awaited at
     * either look.
     */
    void observe(long lastInboundNanos, boolean awaitingAnswer) {
        long now = clock.getAsLong();
        if (awaiting || awaitingAnswer) {
            waitingNanos += Math.max(0, now - lastObservedNanos);
        }
        lastObservedNanos = now;
        awaiting = awaitingAnswer;
        if (lastInboundNanos != this.lastInboundNanos) {
            this.lastInboundNanos = lastInboundNanos;
            addInterval(waitingNanos - arrivalWaitingNanos);
            arrivalWaitingNanos = waitingNanos;
        }
    }

    private void addInterval(long nanos) {
        if (samples == WINDOW) {
            long old = intervals[nextSample];
            sum -= old;
            sumOfSquares -= (double) old * old;
        } else {
            samples++;
        }
        intervals[nextSample] = nanos;
        nextSample = (nextSample + 1) % WINDOW;
        sum += nanos;
        sumOfSquares += (double) nanos * nanos;
    }

    /** How long the provider has been silent while an answer was awaited, in nanoseconds. */
    long silenceNanos() {
        long pending = awaiting ? Math.max(0, clock.getAsLong() - lastObservedNanos) : 0;
        return waitingNanos + pending - arrivalWaitingNanos;
    }

    /** φ of the current silence alone. */
    double silencePhi() {
        long silence = silenceNanos();
        if (silence <= 0) {
            return 0;
        }
        double mean = samples == 0 ? 0 : sum / samples;
        double variance = samples == 0 ? 0 : sumOfSquares / samples - mean * mean;
        double stdDev = Math.max(minStdDevNanos, Math.sqrt(Math.max(0, variance)));
        return phi(silence, mean, stdDev);
    }

    /**
     * −log10 of the probability that a normally distributed interval exceeds {@code elapsed}, with the logistic
     * approximation of the normal distribution that Akka's and Cassandra's detectors use (error under 10⁻⁴).
     */
    static double phi(double elapsed, double mean, double stdDev) {
        double y = (elapsed - mean) / stdDev;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        return elapsed > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /** φ of the recent timeouts, decayed to now. */
    double outcomePhi() {
        if (outcomePhi == 0) {
            return 0;
        }
        long age = clock.getAsLong() - outcomeStampNanos;
        return outcomePhi * Math.pow(0.5, (double) Math.max(0, age) / OUTCOME_HALF_LIFE_NANOS);
    }

    /** The suspicion level: the silence's φ plus the timeouts' (independent evidence: the probabilities multiply). */
    double phi() {
        return silencePhi() + outcomePhi();
    }

    /** A call got no answer in time. */
    void timedOut() {
        double rate = (outcomeTimeouts + 1.0) / (outcomeCalls + 2.0);
        outcomePhi = outcomePhi() - Math.log10(rate);
        outcomeStampNanos = clock.getAsLong();
        count(true);
    }

    /** A call was answered (whatever its status): the provider is working. */
    void answered() {
        outcomePhi = 0;
        count(false);
    }

    private void count(boolean timeout) {
        if (outcomeCalls >= OUTCOME_WINDOW) { // recent calls count more
            outcomeCalls /= 2;
            outcomeTimeouts /= 2;
        }
        outcomeCalls++;
        if (timeout) {
            outcomeTimeouts++;
        }
    }
}
