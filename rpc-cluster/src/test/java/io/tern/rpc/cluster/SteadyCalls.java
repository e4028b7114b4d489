package io.tern.rpc.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded load loop for fault tests: each thread makes one call about every {@code pauseMillis} until
 * stopped, counting successes and keeping every failure for the assertion message.
 */
final class SteadyCalls implements AutoCloseable {
    final AtomicInteger ok = new AtomicInteger();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    SteadyCalls(int threadCount, long pauseMillis, Runnable call) {
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                while (running) {
                    try {
                        call.run();
                        ok.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    LockSupport.parkNanos(pauseMillis * 1_000_000L); // pacing the load, not waiting for a condition
                }
            }, "steady-calls-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    int ok() {
        return ok.get();
    }

    String failureSummary() {
        return failures.size() + " failed calls" + (failures.isEmpty() ? "" : ", first: " + failures.get(0));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
