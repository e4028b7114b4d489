package io.tern.rpc.cluster;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timer of backup requests, shared by the process: one daemon thread ({@code tern-backup-timer}) that wakes at
 * each backup's due time, to within the OS's timer slack (tens of microseconds), and ends after a minute with
 * nothing scheduled. Not the client's timer wheel: its 10 ms tick (right for call timeouts of seconds) sent a
 * backup due after 2 ms anywhere between 2 and 12 ms, so a percentile delay of a few milliseconds (the usual p95 of
 * a fast service) meant a backup several times later than asked. A cancelled backup (the first attempt answered,
 * the usual case) is removed from the queue at once, so the queue holds only the calls in flight.
 */
final class BackupTimer {
    static final Scheduler INSTANCE = create();

    private BackupTimer() {
    }

    private static Scheduler create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tern-backup-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(60, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return (task, delayNanos) -> {
            ScheduledFuture<?> f = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
