package io.tern.rpc.cluster;

/** Runs a task after a delay: the timer of backup requests ({@link BackupTimer}), faked in tests. */
@FunctionalInterface
interface Scheduler {
    /** Schedules {@code task}; the returned action cancels it if it has not run. */
    Runnable schedule(Runnable task, long delayNanos);
}
