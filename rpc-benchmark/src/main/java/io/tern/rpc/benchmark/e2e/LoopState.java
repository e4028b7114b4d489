package io.tern.rpc.benchmark.e2e;

import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared state of one closed-loop run: C slots, each issuing its next call from the completion of the previous
 * one while {@link #running}. Latencies go to a wait-free HdrHistogram {@link Recorder} in nanoseconds.
 */
final class LoopState {
    /** A run stops by itself after this many failed calls (a dead provider must not spin forever). */
    static final long MAX_ERRORS = 10_000;

    final Recorder recorder = new Recorder(3);
    final AtomicInteger active;
    final AtomicLong errors = new AtomicLong();
    volatile boolean running = true;
    volatile Throwable firstError;

    LoopState(int concurrency) {
        this.active = new AtomicInteger(concurrency);
    }

    void record(long nanos) {
        recorder.recordValue(Math.max(1, nanos));
    }

    void error(Throwable t) {
        long n = errors.incrementAndGet();
        if (n == 1) {
            firstError = t;
        }
        if (n >= MAX_ERRORS) {
            running = false;
        }
    }

    /** A slot saw {@code running == false} and issued nothing more. */
    void stopped() {
        active.decrementAndGet();
    }
}
