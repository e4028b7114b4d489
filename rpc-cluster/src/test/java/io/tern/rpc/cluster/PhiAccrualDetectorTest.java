package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** φ of one provider on a fake clock: silence against the history of arrivals, and timeouts against their usual rate. */
class PhiAccrualDetectorTest {
    static final long MS = 1_000_000L;

    final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    final PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofMillis(100), clock::get);
    long inbound;

    /** Advances the fake clock by {@code millis} in 10 ms looks, with an answer awaited throughout. */
    void await(long millis) {
        for (long t = 0; t < millis; t += 10) {
            clock.addAndGet(10 * MS);
            detector.observe(inbound, true);
        }
    }

    void arrival() {
        inbound = clock.get();
        detector.observe(inbound, true);
    }

    @Test
    void phiOfTheNormalTailAtTheStandardThresholds() {
        assertEquals(3.0, PhiAccrualDetector.phi(3.09, 0, 1), 0.1, "φ 3 is 3.09 deviations past the mean");
        assertEquals(0.3, PhiAccrualDetector.phi(0, 0, 1), 0.01, "at the mean: one chance in two");
        assertTrue(PhiAccrualDetector.phi(5.3, 0, 1) >= 8, "φ 8 by 5.3 deviations");
        double previous = 0;
        for (double y = -3; y < 10; y += 0.1) {
            double phi = PhiAccrualDetector.phi(y, 0, 1);
            assertTrue(phi >= previous, "φ grows with the silence: " + phi + " at " + y);
            previous = phi;
        }
    }

    @Test
    void phiGrowsWithSilenceRelativeToTheHistoryOfArrivals() {
        for (int i = 0; i < 50; i++) { // an answer every 20 ms
            await(20);
            arrival();
        }
        assertEquals(0, detector.phi(), 0.0, "just heard from");
        await(100);
        double at100 = detector.phi();
        await(250);
        double at350 = detector.phi();
        await(250);
        double at600 = detector.phi();
        assertTrue(at100 < 1, "100 ms of silence after 20 ms intervals, floor 100 ms: " + at100);
        assertTrue(at350 >= 3, "350 ms of silence makes it suspect: " + at350);
        assertTrue(at600 >= 8, "600 ms of silence: as good as dead: " + at600);
        arrival();
        assertEquals(0, detector.phi(), 0.0, "an arrival ends the silence");
    }

    @Test
    void aSlowProviderWithSteadyAnswersStaysBelowSuspicion() {
        await(500);
        arrival(); // the first answer took 500 ms: nothing to compare with yet
        double highest = 0;
        for (int i = 0; i < 40; i++) { // then an answer every 500 ms, slow but steady
            await(490);
            highest = Math.max(highest, detector.phi());
            await(10);
            arrival();
        }
        assertTrue(highest < 1, "a provider answering at its usual slow pace stays unsuspected: φ up to " + highest);
        await(900); // but a silence much longer than its usual pace is noticed
        assertTrue(detector.phi() >= 3, "φ after 900 ms of silence at a 500 ms pace: " + detector.phi());
    }

    @Test
    void silenceCountsOnlyWhileAnAnswerIsAwaited() {
        for (int i = 0; i < 20; i++) {
            await(20);
            arrival();
        }
        for (int i = 0; i < 1000; i++) { // ten idle seconds: nothing was asked, so nothing is missing
            clock.addAndGet(10 * MS);
            detector.observe(inbound, false);
        }
        assertTrue(detector.phi() < 1, "an idle consumer makes no provider suspect: " + detector.phi());
        await(200);
        double afterFirstCall = detector.phi();
        for (int i = 0; i < 100; i++) { // a second, idle, then another call to the same silent provider
            clock.addAndGet(10 * MS);
            detector.observe(inbound, false);
        }
        await(200);
        assertTrue(afterFirstCall < 3 && detector.phi() >= 3,
                "silence accrues across calls to a provider that answers none: " + afterFirstCall + " then " + detector.phi());
    }

    @Test
    void timeoutsRaiseSuspicionAsMuchAsTheyAreRare() {
        for (int i = 0; i < 100; i++) {
            detector.answered();
        }
        detector.timedOut();
        assertTrue(detector.phi() < 3, "one timeout of a reliable provider: " + detector.phi());
        detector.timedOut();
        assertTrue(detector.phi() >= 3, "two in a row: " + detector.phi());
        detector.answered();
        assertEquals(0, detector.phi(), 0.0, "an answer clears the evidence of timeouts");

        PhiAccrualDetector flaky = new PhiAccrualDetector(Duration.ofMillis(100), clock::get);
        for (int i = 0; i < 100; i++) { // every other call of this one times out
            flaky.answered();
            flaky.timedOut();
        }
        flaky.answered();
        flaky.timedOut();
        flaky.timedOut();
        assertTrue(flaky.phi() < 1, "two timeouts in a row are ordinary for a provider that often times out: " + flaky.phi());
    }

    @Test
    void evidenceOfTimeoutsFadesSoAnAvoidedProviderIsTriedAgain() {
        for (int i = 0; i < 100; i++) {
            detector.answered();
        }
        detector.timedOut();
        detector.timedOut();
        detector.timedOut();
        double fresh = detector.outcomePhi();
        clock.addAndGet(PhiAccrualDetector.OUTCOME_HALF_LIFE_NANOS);
        assertEquals(fresh / 2, detector.outcomePhi(), 1e-9, "halved after one half-life");
        clock.addAndGet(3 * PhiAccrualDetector.OUTCOME_HALF_LIFE_NANOS);
        assertTrue(detector.phi() < 3, "after four half-lives it is no longer suspect: " + detector.phi());
    }
}
