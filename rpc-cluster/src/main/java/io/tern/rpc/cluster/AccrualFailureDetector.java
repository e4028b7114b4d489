package io.tern.rpc.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Accrual failure detection for one provider: its suspicion level φ ({@link PhiAccrualDetector}, from what the
 * provider sends and how its calls end), probing with PINGs once it looks near death, a verdict of dead, and
 * re-admission once it answers probes again.
 *
 * <ul>
 *   <li><b>Suspect</b> at φ ≥ {@code phiSuspect}: balancers skip it while any provider is not suspect, and while it
 *   stays silent it is probed, one PING at a time, each given {@link #probeTimeoutNanos()} to come back.</li>
 *   <li><b>Dead</b> when the φ of its silence alone reaches {@code phiEject}, or {@value #FAILED_PROBES_TO_EJECT}
 *   probes in a row go unanswered: the directory ejects it (within the cap on ejected providers). The provider
 *   answers PINGs on its I/O thread, so a provider that is merely busy or slow keeps answering them and is never
 *   declared dead; timeouts alone only make it suspect.</li>
 *   <li><b>Re-admitted</b> after {@value #PROBES_TO_READMIT} probes in a row are answered, not after a fixed time;
 *   a dead provider is probed with a backoff up to {@value #MAX_PROBE_INTERVAL_MILLIS} ms.</li>
 * </ul>
 * The connection's own rule (closed after 3 heartbeat intervals without inbound bytes) stays as the backstop.
 *
 * <p>{@link #tick} runs on the directory's timer; call outcomes arrive on I/O threads. Both hold {@code lock} (the
 * endpoint), which the directory already holds while it records an outcome, so a call adds no lock of its own.
 */
final class AccrualFailureDetector {
    static final int FAILED_PROBES_TO_EJECT = 3;
    static final int PROBES_TO_READMIT = 2;
    static final long MAX_PROBE_INTERVAL_MILLIS = 1000;

    /** What the detector needs of the connection to the provider. */
    interface Link {
        /** Connected and taking calls (probes are sent only then). */
        boolean ready();

        /** When the provider last sent anything ({@link System#nanoTime()}; 0 before any). */
        long lastInboundNanos();

        /** Whether any call on the connection awaits its answer. */
        boolean callsInFlight();

        /** Sends a PING; completes when its PONG arrives. */
        CompletableFuture<Long> ping();
    }

    /**
     * The user's settings (rpc.consumer.failure-detector.*).
     *
     * @param enabled    whether accrual detection runs at all (the heartbeat's rule and outlier ejection remain)
     * @param phiSuspect φ from which a provider is avoided and probed
     * @param phiEject   φ of silence from which it is declared dead and ejected
     * @param minStdDev  the floor on the deviation of inter-arrival times; sets how long a silence must last to count
     */
    record Settings(boolean enabled, double phiSuspect, double phiEject, Duration minStdDev) {
        static final Settings DEFAULTS = new Settings(true, 3, 8, Duration.ofMillis(100));

        /** How often the directory looks at its providers: a fifth of the deviation floor, 10..100 ms. */
        long tickNanos() {
            return Math.max(10_000_000L, Math.min(100_000_000L, minStdDev.toNanos() / 5));
        }
    }

    /** What a tick concluded. */
    enum Verdict { NONE, DEAD, ALIVE_AGAIN }

    private final Settings settings;
    private final Link link;
    private final LongSupplier clock;
    private final Object lock;
    private final PhiAccrualDetector phi;
    private volatile boolean suspect;
    private volatile boolean dead;
    // probing, guarded by lock
    private CompletableFuture<Long> probe;
    private long probeSentNanos;
    private long nextProbeNanos;
    private long deadProbeIntervalNanos;
    private int failedProbes;
    private int answeredProbes;
    private double smoothedRttNanos;

    AccrualFailureDetector(Settings settings, Link link, LongSupplier clock, Object lock) {
        this.settings = settings;
        this.link = link;
        this.clock = clock;
        this.lock = lock;
        this.phi = new PhiAccrualDetector(settings.minStdDev(), clock);
        this.nextProbeNanos = clock.getAsLong();
    }

    /** Suspect or dead: to be avoided while another provider is not. */
    boolean isSuspect() {
        return suspect;
    }

    /** Declared dead and not yet re-admitted. */
    boolean isDead() {
        return dead;
    }

    /** The current suspicion level (for diagnostics). */
    double phi() {
        synchronized (lock) {
            return phi.phi();
        }
    }

    /** A call was answered. The caller holds the lock. */
    void answered() {
        phi.answered();
    }

    /** A call timed out. The caller holds the lock. */
    void timedOut() {
        phi.timedOut();
    }

    /**
     * A probe gets four of its usual round trips to come back, and at least the deviation floor (two ticks at
     * the least): long enough for a loaded provider, far shorter than three heartbeat intervals.
     */
    long probeTimeoutNanos() {
        return Math.max(Math.max(settings.minStdDev().toNanos(), 2 * settings.tickNanos()), (long) (4 * smoothedRttNanos));
    }

    /** One look at the provider: updates φ, settles and sends probes, and says when it died or came back. */
    Verdict tick() {
        if (!settings.enabled()) {
            return Verdict.NONE;
        }
        synchronized (lock) {
            long now = clock.getAsLong();
            boolean ready = link.ready();
            settleProbe(now);
            phi.observe(link.lastInboundNanos(), ready && (probe != null || link.callsInFlight()));
            if (dead) {
                if (answeredProbes >= PROBES_TO_READMIT) {
                    dead = false;
                    failedProbes = 0;
                    answeredProbes = 0;
                    suspect = phi.phi() >= settings.phiSuspect();
                    return Verdict.ALIVE_AGAIN;
                }
                probeIfDue(now, ready);
                return Verdict.NONE;
            }
            suspect = phi.phi() >= settings.phiSuspect();
            if (!suspect) {
                failedProbes = 0;
                answeredProbes = 0;
                return Verdict.NONE;
            }
            probeIfDue(now, ready);
            return phi.silencePhi() >= settings.phiEject() || failedProbes >= FAILED_PROBES_TO_EJECT ? Verdict.DEAD : Verdict.NONE;
        }
    }

    /** The directory ejected the provider on this detector's verdict: from now on only probes can bring it back. */
    void declareDead() {
        synchronized (lock) {
            dead = true;
            suspect = true;
            answeredProbes = 0;
            deadProbeIntervalNanos = probeTimeoutNanos();
        }
    }

    private void settleProbe(long now) {
        CompletableFuture<Long> p = probe;
        if (p == null) {
            return;
        }
        if (p.isDone() && !p.isCompletedExceptionally()) {
            long rtt = p.join();
            smoothedRttNanos = smoothedRttNanos == 0 ? rtt : 0.8 * smoothedRttNanos + 0.2 * rtt;
            probe = null;
            failedProbes = 0;
            answeredProbes++;
            deadProbeIntervalNanos = probeTimeoutNanos();
            nextProbeNanos = now; // alive: ask again at once if it is still needed
        } else if (p.isDone() || now - probeSentNanos >= probeTimeoutNanos()) {
            p.cancel(false);
            probe = null;
            failedProbes++;
            answeredProbes = 0;
            if (dead) { // a dead provider is asked less and less often
                deadProbeIntervalNanos = Math.min(MAX_PROBE_INTERVAL_MILLIS * 1_000_000L, 2 * deadProbeIntervalNanos);
                nextProbeNanos = probeSentNanos + deadProbeIntervalNanos;
            } else {
                nextProbeNanos = now;
            }
        }
    }

    private void probeIfDue(long now, boolean ready) {
        if (probe != null || !ready || now - nextProbeNanos < 0) {
            return;
        }
        if (!dead && phi.silenceNanos() < probeTimeoutNanos()) {
            return; // heard from it a moment ago (suspect for its timeouts): a PING would only say it is there
        }
        probe = link.ping();
        probeSentNanos = now;
    }
}
