package io.tern.rpc.benchmark.conns;

import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.benchmark.model.Payloads;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A closed loop on one connection: C async {@code echo(String)} calls in flight, each completion (on the client
 * I/O thread) issuing the next, for a fixed time. Latencies in nanoseconds into an HdrHistogram {@link Recorder}.
 */
final class ActiveLoop {
    /** A run gives up after this many failed calls. */
    private static final long MAX_ERRORS = 1_000;

    private final EchoService service;
    private final Recorder recorder = new Recorder(3);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean running;
    private volatile Throwable firstError;

    ActiveLoop(EchoService service) {
        this.service = service;
    }

    /** Runs C slots for {@code seconds}, waits for them to stop, and returns what they recorded. */
    Result run(int concurrency, double seconds) throws InterruptedException {
        recorder.getIntervalHistogram(); // forget a previous run
        errors.set(0);
        firstError = null;
        running = true;
        active.set(concurrency);
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            new Slot().fire();
        }
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end && running) {
            Thread.sleep(10);
        }
        running = false;
        long stopDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (active.get() > 0 && System.nanoTime() < stopDeadline) {
            Thread.sleep(1);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(recorder.getIntervalHistogram(), elapsed, errors.get(), firstError);
    }

    /** A finished run; latencies read in microseconds. */
    record Result(Histogram histogram, double seconds, long errors, Throwable firstError) {
        double us(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double opsPerSec() {
            return histogram.getTotalCount() / seconds;
        }

        String line() {
            return String.format(java.util.Locale.ROOT, "%d %.1f %.1f %.1f %.1f %.1f %d", histogram.getTotalCount(), opsPerSec(),
                    us(50), us(99), us(99.9), histogram.getMaxValue() / 1000.0, errors);
        }
    }

    private final class Slot implements BiConsumer<String, Throwable> {
        private long startNanos;

        void fire() {
            startNanos = System.nanoTime();
            service.echo(Payloads.ECHO_STRING).whenComplete(this);
        }

        @Override
        public void accept(String result, Throwable error) {
            long now = System.nanoTime();
            if (error == null && result != null) {
                recorder.recordValue(Math.max(1, now - startNanos));
            } else if (errors.incrementAndGet() == 1) {
                firstError = error;
            } else if (errors.get() >= MAX_ERRORS) {
                running = false;
            }
            if (running) {
                fire();
            } else {
                active.decrementAndGet();
            }
        }
    }
}
