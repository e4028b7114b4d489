package io.tern.rpc.benchmark.cluster;

import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed offered load: one sender thread issues call {@code i} at its intended time {@code start + i / rate},
 * whatever earlier calls are doing (open loop, async), and each call's latency is measured from that intended
 * time to its answer. A sender that falls behind (a GC pause, a busy core) sends the overdue calls at once and their
 * wait counts in their latency, so a stall is never hidden (no coordinated omission).
 */
final class OpenLoop {
    /** One measured window. {@code senderLagMaxNanos}: how far behind schedule the sender ever was. */
    record Window(Histogram histogram, long calls, long errors, long senderLagMaxNanos) {
    }

    private OpenLoop() {
    }

    /**
     * Runs {@code warmupNanos} then {@code measureNanos} at {@code rate} calls/s; {@code atMeasureStart} runs on the
     * sender thread just before the first measured call, with that call's key (to start counting). Returns once every measured call
     * has answered or {@code drainNanos} has passed.
     */
    static Window run(TailService service, double rate, long warmupNanos, long measureNanos, long drainNanos, java.util.function.IntConsumer atMeasureStart) {
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        long start = System.nanoTime() + 1_000_000L;
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        double period = 1e9 / rate;
        long calls = 0;
        long lagMax = 0;
        boolean measuring = false;
        for (long i = 0; ; i++) {
            long intended = start + (long) (i * period);
            if (intended >= end) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            boolean measured = intended >= measureFrom;
            if (measured && !measuring) {
                measuring = true;
                atMeasureStart.accept((int) i);
            }
            if (measured) {
                calls++;
                lagMax = Math.max(lagMax, now - intended);
                outstanding.incrementAndGet();
            }
            CompletableFuture<Integer> f;
            try {
                f = service.get((int) i);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, e) -> {
                if (!measured) {
                    return;
                }
                if (e != null) {
                    errors.incrementAndGet();
                } else {
                    long latency = System.nanoTime() - intended;
                    synchronized (histogram) {
                        histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                    }
                }
                outstanding.decrementAndGet();
            });
        }
        long drainUntil = System.nanoTime() + drainNanos;
        while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(1_000_000L);
        }
        errors.addAndGet(outstanding.get()); // never answered within the drain time
        synchronized (histogram) {
            return new Window(histogram.copy(), calls, errors.get(), lagMax);
        }
    }
}
