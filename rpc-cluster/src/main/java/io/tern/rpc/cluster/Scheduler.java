package io.tern.rpc.cluster;

import io.netty.util.Timeout;
import io.netty.util.Timer;

import java.util.concurrent.TimeUnit;

/** Runs a task after a delay: the timer of backup requests, faked in tests. */
@FunctionalInterface
interface Scheduler {
    /** Schedules {@code task}; the returned action cancels it if it has not run. */
    Runnable schedule(Runnable task, long delayNanos);

    static Scheduler of(Timer timer) {
        return (task, delayNanos) -> {
            Timeout t = timer.newTimeout(x -> task.run(), delayNanos, TimeUnit.NANOSECONDS);
            return t::cancel;
        };
    }
}
