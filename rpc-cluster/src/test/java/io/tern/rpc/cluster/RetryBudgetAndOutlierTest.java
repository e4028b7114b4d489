package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    @Test
    void consecutiveFailuresEjectButNeverMoreThanHalf() {
        OutlierDetector detector = new OutlierDetector(3, 0.5, 20, Duration.ofSeconds(30), Duration.ofMinutes(5));
        List<Endpoint> all = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            all.add(LoadBalancerTest.endpoint(i, 100));
        }
        for (Endpoint e : all) {
            for (int i = 0; i < 3; i++) {
                detector.record(e, true, () -> all);
            }
        }
        long now = System.nanoTime();
        long ejected = all.stream().filter(e -> e.isEjected(now)).count();
        assertTrue(ejected == 2, "half of 4 providers ejected, not more: " + ejected);
    }

    @Test
    void ejectedProviderOnProbationIsEjectedAgainForLongerOnItsFirstFailure() {
        OutlierDetector detector = new OutlierDetector(2, 0.5, 20, Duration.ofMillis(1), Duration.ofMinutes(5));
        List<Endpoint> all = List.of(LoadBalancerTest.endpoint(1, 100), LoadBalancerTest.endpoint(2, 100), LoadBalancerTest.endpoint(3, 100));
        Endpoint e = all.get(0);
        detector.record(e, true, () -> all);
        detector.record(e, true, () -> all);
        assertTrue(e.ejections == 1);
        long until = System.nanoTime() + 5_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait(); // let the 1 ms ejection run out
        }
        assertFalse(e.isEjected(System.nanoTime()), "back after its ejection time");
        detector.record(e, true, () -> all); // one failure on probation
        assertTrue(e.isEjected(System.nanoTime()) || e.ejections == 2, "ejected again");
        assertTrue(e.ejections == 2);
    }

    @Test
    void successOnProbationReadmits() {
        OutlierDetector detector = new OutlierDetector(2, 0.5, 20, Duration.ofMillis(1), Duration.ofMinutes(5));
        List<Endpoint> all = List.of(LoadBalancerTest.endpoint(1, 100), LoadBalancerTest.endpoint(2, 100), LoadBalancerTest.endpoint(3, 100));
        Endpoint e = all.get(0);
        detector.record(e, true, () -> all);
        detector.record(e, true, () -> all);
        long until = System.nanoTime() + 5_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        detector.record(e, false, () -> all);
        detector.record(e, true, () -> all);
        assertFalse(e.isEjected(System.nanoTime()), "one failure after a success does not eject");
    }
}
