package io.tern.rpc.transport.internal;

import io.tern.rpc.testsupport.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The business executor: few wake-ups for fast calls, parallelism for blocking ones, bounded admission. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BusinessExecutorTest {

    @Test
    void oneAwakeWorkerRunsFastTasksInSubmissionOrder() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 8, 10_000, 1, 60, TimeUnit.SECONDS);
        try {
            List<Integer> order = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                ex.execute(() -> {
                    synchronized (order) {
                        order.add(n);
                    }
                });
            }
            ex.execute(done::countDown);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            synchronized (order) {
                assertEquals(1000, order.size());
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, order.get(i), "task order at " + i);
                }
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void burstsOfFastTasksWakeFewThreads() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 64, 10_000, 1, 60, TimeUnit.SECONDS);
        try {
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            AtomicInteger count = new AtomicInteger();
            for (int burst = 0; burst < 100; burst++) {
                CountDownLatch done = new CountDownLatch(100);
                for (int i = 0; i < 100; i++) {
                    ex.execute(() -> {
                        ran.add(Thread.currentThread());
                        count.incrementAndGet();
                        done.countDown();
                    });
                }
                assertTrue(done.await(10, TimeUnit.SECONDS));
            }
            assertEquals(10_000, count.get());
            // a plain pool wakes a thread per task and soon runs all 64; here a worker stuck for a tick (a GC pause,
            // a loaded machine) may bring in another, but not dozens
            assertTrue(ran.size() <= 8, "10,000 fast tasks in 100 bursts ran on " + ran.size() + " threads");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void blockingTasksStillRunInParallelUpToTheThreadLimit() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 8, 100, 1, 60, TimeUnit.SECONDS);
        CountDownLatch allRunning = new CountDownLatch(8);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 8; i++) {
                ex.execute(() -> {
                    allRunning.countDown();
                    await(release);
                });
            }
            // with parallelism 1 only one worker starts at once; the watchdog sees it blocked and wakes the others
            assertTrue(allRunning.await(10, TimeUnit.SECONDS), "only " + (8 - allRunning.getCount()) + " of 8 blocking tasks ran at once");
            assertEquals(8, ex.threads());
        } finally {
            release.countDown();
            ex.shutdownNow();
        }
    }

    @Test
    void admitsThreadsPlusQueueTasksAndRefusesTheNext() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 2, 3, 2, 60, TimeUnit.SECONDS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(5);
        try {
            for (int i = 0; i < 5; i++) {
                ex.execute(() -> {
                    await(release);
                    finished.countDown();
                });
            }
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
            assertTrue(e.getMessage().contains("5 calls accepted and not finished"), e.getMessage());
            release.countDown();
            assertTrue(finished.await(10, TimeUnit.SECONDS), "the accepted tasks all ran");
            Poll.until(Duration.ofSeconds(5), "nothing outstanding", () -> ex.outstanding() == 0);
            CountDownLatch again = new CountDownLatch(1);
            ex.execute(again::countDown);
            assertTrue(again.await(5, TimeUnit.SECONDS), "room again once the tasks finished");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void zeroQueueAdmitsOnlyAsManyTasksAsThreads() {
        BusinessExecutor ex = new BusinessExecutor("t", 1, 0, 1, 60, TimeUnit.SECONDS);
        CountDownLatch release = new CountDownLatch(1);
        try {
            ex.execute(() -> await(release));
            assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
        } finally {
            release.countDown();
            ex.shutdownNow();
        }
    }

    @Test
    void idleThreadsEndAfterKeepAlive() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 4, 10, 4, 100, TimeUnit.MILLISECONDS);
        try {
            CountDownLatch done = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                ex.execute(done::countDown);
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(ex.threads() >= 1);
            Poll.until(Duration.ofSeconds(5), "idle threads to end", () -> ex.threads() == 0);
            CountDownLatch later = new CountDownLatch(1);
            ex.execute(later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS), "a new thread starts for work after the pool emptied");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndRefusesNewOnes() throws Exception {
        BusinessExecutor ex = new BusinessExecutor("t", 2, 10, 2, 60, TimeUnit.SECONDS);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ex.execute(() -> {
            running.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        ex.shutdownNow();
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the running task was interrupted");
        assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
        Poll.until(Duration.ofSeconds(5), "threads to end", () -> ex.threads() == 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
