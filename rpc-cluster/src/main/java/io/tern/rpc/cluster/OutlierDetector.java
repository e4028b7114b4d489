package io.tern.rpc.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Failure detection per provider: {@code consecutiveFailures} failures in a row, or an error ratio of at least
 * {@code errorRatio} over the recent calls (at least {@code minCalls}), eject the provider for
 * {@code baseEjection × number of ejections so far} (capped). Never more than half the providers are ejected.
 * When the time is up the provider is back on probation: one failure ejects it again, one success re-admits it.
 */
public final class OutlierDetector {
    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);

    private final int consecutiveFailures;
    private final double errorRatio;
    private final int minCalls;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;

    public OutlierDetector(int consecutiveFailures, double errorRatio, int minCalls, Duration baseEjection, Duration maxEjection) {
        this.consecutiveFailures = consecutiveFailures;
        this.errorRatio = errorRatio;
        this.minCalls = minCalls;
        this.baseEjectionNanos = baseEjection.toNanos();
        this.maxEjectionNanos = maxEjection.toNanos();
    }

    public static OutlierDetector defaults() {
        return new OutlierDetector(5, 0.5, 20, Duration.ofSeconds(5), Duration.ofMinutes(1));
    }

    /** Records one outcome; may eject the endpoint if that keeps at least half of {@code all} admitted. */
    void record(Endpoint e, boolean failure, Supplier<List<Endpoint>> all) {
        long now = System.nanoTime();
        boolean eject;
        synchronized (e) {
            if (e.windowCalls >= 100) { // decay the window: recent calls count more
                e.windowCalls /= 2;
                e.windowFailures /= 2;
            }
            e.windowCalls++;
            if (!failure) {
                e.consecutiveFailures = 0;
                e.probation = false;
                return;
            }
            e.windowFailures++;
            e.consecutiveFailures++;
            eject = e.probation
                    || e.consecutiveFailures >= consecutiveFailures
                    || (e.windowCalls >= minCalls && e.windowFailures >= errorRatio * e.windowCalls);
            if (!eject || e.isEjected(now)) {
                return;
            }
        }
        List<Endpoint> endpoints = all.get();
        int ejected = 0;
        for (Endpoint other : endpoints) {
            if (other != e && other.isEjected(now)) {
                ejected++;
            }
        }
        if ((ejected + 1) * 2 > endpoints.size()) {
            return; // never eject more than half of the providers
        }
        long duration;
        synchronized (e) {
            e.ejections++;
            duration = Math.min(maxEjectionNanos, baseEjectionNanos * e.ejections);
            e.ejectedUntilNanos = now + duration;
            e.probation = true;
            e.consecutiveFailures = 0;
            e.windowCalls = 0;
            e.windowFailures = 0;
        }
        log.warn("Ejecting provider {} for {} ms (ejection #{}): too many failures", e.address(), duration / 1_000_000, e.ejections);
    }
}
