package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Suspicion, probing, the verdict of dead and re-admission by probes, on a fake clock and a fake connection. */
class AccrualFailureDetectorTest {
    static final long MS = 1_000_000L;
    static final AccrualFailureDetector.Settings SETTINGS = AccrualFailureDetector.Settings.DEFAULTS; // 3, 8, 100 ms

    final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    final FakeLink link = new FakeLink();
    final AccrualFailureDetector detector = new AccrualFailureDetector(SETTINGS, link, clock::get, new Object());

    /** A connection whose provider answers calls and PINGs, or does not, as the test says. */
    final class FakeLink implements AccrualFailureDetector.Link {
        boolean ready = true;
        boolean callsInFlight = true;
        boolean answersCalls = true;
        boolean answersPings = true;
        long lastInbound;
        final List<CompletableFuture<Long>> pings = new ArrayList<>();

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public long lastInboundNanos() {
            return lastInbound;
        }

        @Override
        public boolean callsInFlight() {
            return callsInFlight;
        }

        @Override
        public CompletableFuture<Long> ping() {
            CompletableFuture<Long> pong = new CompletableFuture<>();
            pings.add(pong);
            if (answersPings) {
                lastInbound = clock.get() + MS;
                pong.complete(MS);
            }
            return pong;
        }
    }

    /** Runs the detector for {@code millis} in 20 ms ticks (the directory's period); returns the verdicts seen. */
    List<AccrualFailureDetector.Verdict> run(long millis) {
        List<AccrualFailureDetector.Verdict> verdicts = new ArrayList<>();
        for (long t = 0; t < millis; t += 20) {
            clock.addAndGet(20 * MS);
            if (link.answersCalls) {
                link.lastInbound = clock.get(); // answers stream in
            }
            AccrualFailureDetector.Verdict v = detector.tick();
            if (v != AccrualFailureDetector.Verdict.NONE) {
                verdicts.add(v);
            }
        }
        return verdicts;
    }

    /** Milliseconds of ticks until a tick says {@code wanted}, at most {@code limit}. */
    long millisUntilVerdict(long limit, AccrualFailureDetector.Verdict wanted) {
        for (long t = 20; t <= limit; t += 20) {
            clock.addAndGet(20 * MS);
            if (link.answersCalls) {
                link.lastInbound = clock.get();
            }
            if (detector.tick() == wanted) {
                return t;
            }
        }
        throw new AssertionError("no " + wanted + " within " + limit + " ms");
    }

    /** Milliseconds of ticks until {@code condition}, at most {@code limit}. */
    long millisUntil(long limit, java.util.function.BooleanSupplier condition) {
        for (long t = 0; t <= limit; t += 20) {
            if (condition.getAsBoolean()) {
                return t;
            }
            run(20);
        }
        throw new AssertionError("not within " + limit + " ms");
    }

    @Test
    void providerThatFallsSilentIsSuspectThenProbedThenDead() {
        run(2000); // a healthy history: answers every tick, never suspect
        assertFalse(detector.isSuspect());
        assertTrue(link.pings.isEmpty(), "a provider that answers is not probed");

        link.answersCalls = false;
        link.answersPings = false; // the process froze, or the link is a black hole; the socket stays open
        long suspectAfter = millisUntil(2000, detector::isSuspect);
        assertTrue(suspectAfter >= 200 && suspectAfter <= 500, "suspect after " + suspectAfter + " ms of silence");
        int probesBefore = link.pings.size();
        long deadAfter = millisUntilVerdict(2000, AccrualFailureDetector.Verdict.DEAD);
        assertTrue(suspectAfter + deadAfter <= 900, "declared dead " + (suspectAfter + deadAfter) + " ms after it fell silent");
        int probes = link.pings.size() - probesBefore;
        assertTrue(probes >= 1 && probes <= AccrualFailureDetector.FAILED_PROBES_TO_EJECT + 1,
                "probed a limited number of times before the verdict: " + probes);
    }

    @Test
    void busyProviderThatAnswersPingsIsNeverDeclaredDead() {
        run(1000);
        // every business thread is busy: calls wait for seconds, but the I/O thread answers PINGs
        link.answersCalls = false;
        List<AccrualFailureDetector.Verdict> verdicts = run(10_000);
        assertEquals(List.of(), verdicts, "busy is not dead");
        assertFalse(detector.isDead());
        assertTrue(link.pings.size() >= 2, "suspicion was settled by probes: " + link.pings.size());
        assertTrue(link.pings.size() < 10_000 / 100, "at most one probe in flight, each answered before the next: " + link.pings.size());
    }

    @Test
    void timeoutsOfAProviderThatAnswersPingsMakeItSuspectNotDead() {
        for (int i = 0; i < 100; i++) {
            detector.answered();
        }
        run(200);
        detector.timedOut(); // a hung method: its calls time out, yet the provider answers other calls
        detector.timedOut();
        detector.timedOut();
        run(40);
        assertTrue(detector.isSuspect(), "avoided for its timeouts: φ " + detector.phi());
        assertEquals(List.of(), run(6000), "but never declared dead while it answers");
        assertTrue(link.pings.isEmpty(), "nor probed while it keeps sending");
        assertFalse(detector.isSuspect(), "and tried again once the evidence of the timeouts has faded: φ " + detector.phi());
    }

    @Test
    void deadProviderComesBackAfterAnsweredProbesNotAfterATimer() {
        run(1000);
        link.answersCalls = false;
        link.answersPings = false;
        millisUntilVerdict(2000, AccrualFailureDetector.Verdict.DEAD);
        detector.declareDead(); // the directory ejects it
        link.callsInFlight = false; // an ejected provider gets no calls
        int probesAtDeath = link.pings.size();
        assertEquals(List.of(), run(30_000), "no fixed time brings a silent provider back");
        assertTrue(detector.isDead() && detector.isSuspect());
        int probes = link.pings.size() - probesAtDeath;
        assertTrue(probes >= 25 && probes <= 40, "a dead provider is probed with a backoff up to 1 s: " + probes + " probes in 30 s");

        link.answersPings = true; // it recovers
        long back = millisUntil(2000, () -> !detector.isDead());
        assertTrue(back <= 1100, "re-admitted " + back + " ms after it recovered (next probe within 1 s, then a second one)");
        assertFalse(detector.isSuspect());
    }

    @Test
    void noProbesWhileTheConnectionIsDown() {
        run(1000);
        link.ready = false; // reconnecting: the connection's own rules apply, and calls are not sent to it
        link.answersCalls = false;
        link.answersPings = false;
        assertEquals(List.of(), run(5000));
        assertTrue(link.pings.isEmpty());
        assertFalse(detector.isSuspect(), "silence while nothing can be awaited is no evidence");
    }

    @Test
    void disabledDetectorNeverSuspects() {
        AccrualFailureDetector off = new AccrualFailureDetector(new AccrualFailureDetector.Settings(false, 3, 8, Duration.ofMillis(100)),
                link, clock::get, new Object());
        link.answersCalls = false;
        link.answersPings = false;
        for (int i = 0; i < 500; i++) {
            clock.addAndGet(20 * MS);
            assertEquals(AccrualFailureDetector.Verdict.NONE, off.tick());
        }
        assertFalse(off.isSuspect());
        assertTrue(link.pings.isEmpty());
    }
}
