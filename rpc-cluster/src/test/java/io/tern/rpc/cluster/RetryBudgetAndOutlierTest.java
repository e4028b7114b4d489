package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryBudgetAndOutlierTest {

    @org.junit.jupiter.api.BeforeAll
    static void openClient() {
        LoadBalancerTest.client();
    }

    @org.junit.jupiter.api.AfterAll
    static void closeClient() {
        LoadBalancerTest.close();
    }

    @Test
    void budgetAllowsTheRatioPlusTheReserveAndNoMore() {
        RetryBudget budget = new RetryBudget(0.1, 5);
        int allowed = 0;
        for (int i = 0; i < 10_000; i++) {
            budget.deposit();
            if (budget.tryWithdraw()) {
                allowed++;
            }
        }
        // 10% of 10,000 calls plus the 5-token reserve (plus what it refilled during the loop, at 5/s)
        assertTrue(allowed >= 1000 && allowed <= 1000 + 5 + 10, "allowed " + allowed);
        assertFalse(budget.tryWithdraw() && budget.tryWithdraw() && budget.tryWithdraw(), "spent");
    }

    @Test
    void quietServiceCanStillRetryFromTheReserve() {
        RetryBudget budget = new RetryBudget(0.1, 3);
        assertTrue(budget.tryWithdraw());
        assertTrue(budget.tryWithdraw());
        assertTrue(budget.tryWithdraw());
        assertFalse(budget.tryWithdraw());
    }

    static final long MS = 1_000_000L;
    final java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000 * MS);

    OutlierDetector detector(int consecutive, int maxEjectedPercent, long baseMillis, long maxMillis) {
        return new OutlierDetector(consecutive, 0.5, 20, Duration.ofMillis(baseMillis), Duration.ofMillis(maxMillis), maxEjectedPercent, clock::get);
    }

    static List<Endpoint> endpoints(int n) {
        List<Endpoint> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            all.add(LoadBalancerTest.endpoint(i, 100));
        }
        return all;
    }

    static void fail(OutlierDetector d, Endpoint e, List<Endpoint> all, int times) {
        for (int i = 0; i < times; i++) {
            d.record(e, true, () -> all);
        }
    }

    @Test
    void consecutiveFailuresEjectButNeverMoreThanHalf() {
        List<Endpoint> all = endpoints(4);
        OutlierDetector d = detector(3, 50, 30_000, 300_000);
        for (Endpoint e : all) {
            fail(d, e, all, 3);
        }
        long ejected = all.stream().filter(e -> e.isEjected(clock.get())).count();
        assertEquals(2, ejected, "half of 4 providers ejected, not more");
    }

    @Test
    void maxEjectedPercentCapsEjections() {
        List<Endpoint> all = endpoints(4);
        OutlierDetector d = detector(3, 25, 30_000, 300_000);
        for (Endpoint e : all) {
            fail(d, e, all, 3);
        }
        assertEquals(1, all.stream().filter(e -> e.isEjected(clock.get())).count(), "25% of 4 providers");
        OutlierDetector none = detector(3, 0, 30_000, 300_000);
        List<Endpoint> others = endpoints(4);
        fail(none, others.get(0), others, 10);
        assertFalse(others.get(0).isEjected(clock.get()), "0% ejects nobody");
    }

    @Test
    void ejectedProviderOnProbationIsEjectedAgainForLongerOnItsFirstFailure() {
        List<Endpoint> all = endpoints(3);
        Endpoint e = all.get(0);
        OutlierDetector d = detector(2, 50, 1000, 60_000);
        fail(d, e, all, 2);
        assertEquals(1, e.ejections);
        assertEquals(clock.get() + 1000 * MS, e.ejectedUntilNanos, "base ejection time");
        clock.addAndGet(1000 * MS);
        assertFalse(e.isEjected(clock.get()), "back after its ejection time");
        fail(d, e, all, 1); // one failure on probation
        assertEquals(2, e.ejections);
        assertEquals(clock.get() + 2000 * MS, e.ejectedUntilNanos, "twice the base the second time");
    }

    @Test
    void successOnProbationReadmits() {
        List<Endpoint> all = endpoints(3);
        Endpoint e = all.get(0);
        OutlierDetector d = detector(2, 50, 1, 60_000);
        fail(d, e, all, 2);
        clock.addAndGet(5 * MS);
        d.record(e, false, () -> all);
        d.record(e, true, () -> all);
        assertFalse(e.isEjected(clock.get()), "one failure after a success does not eject");
    }

    @Test
    void ejectionCountDecaysOneEjectionPerBaseEjectionTimeWithoutFailure() {
        List<Endpoint> all = endpoints(3);
        Endpoint e = all.get(0);
        OutlierDetector d = detector(2, 50, 1000, 60_000);
        fail(d, e, all, 2); // ejection #1: 1 s
        clock.addAndGet(1000 * MS);
        fail(d, e, all, 1); // at once again on probation: ejection #2, 2 s
        clock.addAndGet(2000 * MS);
        d.record(e, false, () -> all);
        assertEquals(2, e.ejections, "a repeat offender");
        clock.addAndGet(999 * MS); // healthy for just under one base ejection time: nothing forgiven yet
        fail(d, e, all, 2);
        assertEquals(3, e.ejections);
        assertEquals(clock.get() + 3000 * MS, e.ejectedUntilNanos);

        clock.addAndGet(3000 * MS); // back; now healthy for 3 base ejection times
        d.record(e, false, () -> all);
        clock.addAndGet(3000 * MS);
        d.record(e, false, () -> all);
        assertEquals(0, e.ejections, "three healthy periods forgave three ejections");
        fail(d, e, all, 2);
        assertEquals(clock.get() + 1000 * MS, e.ejectedUntilNanos, "ejected for the base time again, not 4 x base");
    }

    @Test
    void ejectionTimeIsCappedAtTheMaximum() {
        List<Endpoint> all = endpoints(3);
        Endpoint e = all.get(0);
        OutlierDetector d = detector(1, 50, 1000, 2500);
        for (int i = 0; i < 4; i++) {
            fail(d, e, all, 1);
            long until = e.ejectedUntilNanos;
            assertEquals(Math.min(2500, 1000L * (i + 1)) * MS, until - clock.get(), "ejection #" + (i + 1));
            clock.set(until); // back, and at once failing again on probation
        }
    }
}
