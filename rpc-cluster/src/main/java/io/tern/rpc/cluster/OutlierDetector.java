package io.tern.rpc.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Outlier ejection per provider, as Envoy's: {@code consecutiveFailures} failures in a row, or an error ratio of at
 * least {@code errorRatio} over the recent calls (at least {@code minCalls}), eject the provider for
 * {@code baseEjection × number of ejections} (capped at {@code maxEjection}). No more than
 * {@code maxEjectedPercent} of the providers are ejected at once (by this or by the failure detector). When its time
 * is up the provider is back on probation: one failure ejects it again, one success re-admits it. Each
 * {@code baseEjection} it then spends without a failure forgives one ejection, so a provider that failed once long
 * ago is not punished as a repeat offender.
 *
 * <p>What counts as a failure is {@link CallOutcome}'s: an INTERNAL_ERROR answer or a failed connection. Overload
 * (SERVER_BUSY, DEADLINE_EXCEEDED in the provider's queue) and timeouts never count here: a fleet-wide overload
 * must shed load, not eject half the fleet; a provider that stops answering is the failure detector's to eject.
 */
final class OutlierDetector {
    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
    static final double ERROR_RATIO = 0.5;
    static final int MIN_CALLS = 20;

    private final int consecutiveFailures;
    private final double errorRatio;
    private final int minCalls;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;
    private final int maxEjectedPercent;
    private final LongSupplier clock;

    public OutlierDetector(int consecutiveFailures, double errorRatio, int minCalls, Duration baseEjection, Duration maxEjection) {
        this(consecutiveFailures, errorRatio, minCalls, baseEjection, maxEjection, 50, System::nanoTime);
    }

    OutlierDetector(int consecutiveFailures, double errorRatio, int minCalls, Duration baseEjection, Duration maxEjection,
                    int maxEjectedPercent, LongSupplier clock) {
        this.consecutiveFailures = consecutiveFailures;
        this.errorRatio = errorRatio;
        this.minCalls = minCalls;
        this.baseEjectionNanos = baseEjection.toNanos();
        this.maxEjectionNanos = maxEjection.toNanos();
        this.maxEjectedPercent = maxEjectedPercent;
        this.clock = clock;
    }

    public static OutlierDetector defaults() {
        return of(5, 50, Duration.ofSeconds(5), Duration.ofMinutes(1));
    }

    /** The thresholds of rpc.consumer.outlier.*, validated by {@link Reference}. */
    static OutlierDetector of(int consecutiveFailures, int maxEjectedPercent, Duration baseEjection, Duration maxEjection) {
        return new OutlierDetector(consecutiveFailures, ERROR_RATIO, MIN_CALLS, baseEjection, maxEjection, maxEjectedPercent, System::nanoTime);
    }

    long now() {
        return clock.getAsLong();
    }

    /** Records one outcome; may eject the endpoint if that keeps the ejected share of {@code all} within the cap. */
    void record(Endpoint e, boolean failure, Supplier<List<Endpoint>> all) {
        long now = clock.getAsLong();
        boolean eject;
        synchronized (e) {
            eject = count(e, failure, now);
        }
        if (eject) {
            eject(e, all.get(), now);
        }
    }

    /** Counts one outcome; true when the endpoint should now be ejected. The caller holds the endpoint's lock. */
    boolean count(Endpoint e, boolean failure, long now) {
        forgive(e, now);
        if (e.windowCalls >= 100) { // decay the window: recent calls count more
            e.windowCalls /= 2;
            e.windowFailures /= 2;
        }
        e.windowCalls++;
        if (!failure) {
            e.consecutiveFailures = 0;
            e.probation = false;
            return false;
        }
        e.windowFailures++;
        e.consecutiveFailures++;
        if (!e.isOutlierEjected(now)) {
            e.healthySinceNanos = now;
        }
        boolean eject = e.probation
                || e.consecutiveFailures >= consecutiveFailures
                || (e.windowCalls >= minCalls && e.windowFailures >= errorRatio * e.windowCalls);
        return eject && !e.isEjected(now);
    }

    /** Whether ejecting {@code e} keeps the ejected share of {@code all} within max-ejected-percent. */
    boolean mayEject(Endpoint e, List<Endpoint> all, long now) {
        int ejected = 0;
        for (Endpoint other : all) {
            if (other != e && other.isEjected(now)) {
                ejected++;
            }
        }
        return (ejected + 1) * 100L <= (long) maxEjectedPercent * all.size();
    }

    /** Ejects {@code e} for base × its ejections (capped), unless the cap on ejected providers forbids it. */
    void eject(Endpoint e, List<Endpoint> all, long now) {
        if (!mayEject(e, all, now)) {
            return;
        }
        long duration;
        int ejections;
        synchronized (e) {
            if (e.isEjected(now)) {
                return;
            }
            forgive(e, now);
            ejections = ++e.ejections;
            e.ejectionsTotal++;
            duration = Math.min(maxEjectionNanos, baseEjectionNanos * ejections);
            e.ejectedUntilNanos = now + duration;
            e.healthySinceNanos = e.ejectedUntilNanos; // healthy time counts from its return
            e.probation = true;
            e.consecutiveFailures = 0;
            e.windowCalls = 0;
            e.windowFailures = 0;
        }
        log.warn("Ejecting provider {} for {} ms (ejection #{}): too many failures", e.address(), duration / 1_000_000, ejections);
    }

    /** One ejection forgiven for each base ejection time the provider has spent admitted without a failure. */
    private void forgive(Endpoint e, long now) {
        if (e.ejections == 0) {
            return;
        }
        long healthy = now - e.healthySinceNanos;
        if (healthy < baseEjectionNanos) {
            return; // also while it is ejected: its healthy time starts when it is back
        }
        long periods = healthy / baseEjectionNanos;
        e.ejections = (int) Math.max(0, e.ejections - periods);
        e.healthySinceNanos += periods * baseEjectionNanos;
    }
}
