package io.tern.rpc.transport.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The provider's bounded business executor, built so that handing calls from an I/O thread to business threads
 * does not cost a thread wake-up per call (a wake-up and context switch cost more than a small call itself).
 *
 * <ul>
 *   <li>A submit wakes a parked worker only while fewer than {@code parallelism} workers are awake. An awake
 *   worker drains the queue, so a burst of fast calls costs one or two wake-ups, not one each.</li>
 *   <li>A worker that has been inside one task for more than a watchdog tick (1-2 ms: a blocking method) stops
 *   counting as awake, so the watchdog wakes or starts another worker while tasks wait, up to {@code maxThreads}.
 *   Blocking methods thus still run in parallel; a task queued behind blocked workers waits at most about a tick
 *   longer than with a plain thread pool.</li>
 *   <li>At most {@code maxThreads + queueCapacity} tasks are accepted and not yet finished; beyond that
 *   {@link #execute} throws {@link RejectedExecutionException} (the caller answers SERVER_BUSY).</li>
 *   <li>Workers start on demand and end after {@code keepAlive} idle; the watchdog sleeps while the pool is idle.</li>
 * </ul>
 * Tasks run in submission order (FIFO), each exactly once.
 *
 * <p>About 300 lines, one job: it is one pool. Admission, waking and parking workers, and the watchdog read and write
 * the same counters (outstanding, awake, the idle stack) under one lock, and each decision depends on the others'
 * (a submit wakes no one while enough workers are awake; the watchdog un-counts a stuck one so that the next submit
 * or tick wakes another). Split into classes, every part would have to expose that locked state to the others.
 */
public final class BusinessExecutor {
    private static final Logger log = LoggerFactory.getLogger(BusinessExecutor.class);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WATCHDOG_SLEEP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final int maxThreads;
    private final int limit;
    private final int parallelism;
    private final long keepAliveNanos;

    // all guarded by lock
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private int outstanding;  // accepted, not finished
    private int awake;        // not parked and not stuck in a task
    private int started;
    private int threadSeq;
    private boolean shutdown;

    private final Thread watchdog;
    private volatile boolean watchdogSleeping;

    /**
     * @param maxThreads    most business threads (rpc.server.executor-threads)
     * @param queueCapacity tasks that may wait beyond the threads (rpc.server.executor-queue); 0 = none
     * @param parallelism   workers kept awake for non-blocking work, normally the number of cores
     */
    public BusinessExecutor(String name, int maxThreads, int queueCapacity, int parallelism, long keepAlive, TimeUnit unit) {
        if (maxThreads < 1 || queueCapacity < 0 || parallelism < 1) {
            throw new IllegalArgumentException("executor threads must be >= 1, queue >= 0, parallelism >= 1; was "
                    + maxThreads + ", " + queueCapacity + ", " + parallelism);
        }
        this.name = name;
        this.maxThreads = maxThreads;
        this.limit = maxThreads + queueCapacity;
        this.parallelism = Math.min(parallelism, maxThreads);
        this.keepAliveNanos = unit.toNanos(keepAlive);
        this.watchdog = new FastThreadLocalThread(this::watch, name + "-watchdog");
        this.watchdog.setDaemon(true);
        this.watchdogSleeping = true;
        this.watchdog.start();
    }

    /** Runs {@code task} on a business thread, or throws {@link RejectedExecutionException} when full or shut down. */
    void execute(Runnable task) {
        Worker wake;
        boolean start = false;
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            if (outstanding >= limit) {
                throw new RejectedExecutionException(name + " is full: " + outstanding + " calls accepted and not finished");
            }
            outstanding++;
            queue.addLast(task);
            wake = awake < parallelism ? wakeOrStartLocked() : null;
            if (wake != null && wake.thread == null) {
                start = true;
            }
        }
        if (start) {
            startThread(wake);
        } else if (wake != null) {
            LockSupport.unpark(wake.thread);
        }
        if (watchdogSleeping) {
            watchdogSleeping = false;
            LockSupport.unpark(watchdog);
        }
    }

    /** Takes a parked worker (marked awake), or a new one without a thread yet, or null at the thread limit. */
    private Worker wakeOrStartLocked() {
        Worker w = idle.pollFirst(); // most recently parked: its caches are warmest
        if (w != null) {
            w.parked = false;
            awake++;
            return w;
        }
        if (started < maxThreads) {
            started++;
            awake++;
            w = new Worker(++threadSeq);
            workers.add(w);
            return w;
        }
        return null;
    }

    private void startThread(Worker w) {
        Thread t = new FastThreadLocalThread(() -> runWorker(w), name + "-" + w.seq);
        t.setDaemon(true);
        w.thread = t;
        t.start();
    }

    private void runWorker(Worker w) {
        boolean finishedOne = false;
        for (;;) {
            Runnable task;
            synchronized (lock) {
                if (finishedOne) {
                    outstanding--;
                    finishedOne = false;
                }
                if (w.stuck) {
                    w.stuck = false; // back from a long task: counts as awake again
                    awake++;
                }
                task = shutdown ? null : queue.pollFirst();
                if (task == null) {
                    if (shutdown) {
                        awake--;
                        started--;
                        workers.remove(w);
                        return;
                    }
                    awake--;
                    w.parked = true;
                    idle.addFirst(w);
                }
            }
            if (task == null) {
                if (!parkUntilWoken(w)) {
                    return; // idle for keepAlive: this thread ends
                }
                continue;
            }
            w.running = true;
            w.taskSeq++;
            try {
                task.run();
            } catch (Throwable t) {
                log.error("business task failed on {}", Thread.currentThread().getName(), t);
            } finally {
                w.running = false;
                Thread.interrupted(); // an interrupt meant for the task must not reach the next one
            }
            finishedOne = true;
        }
    }

    /** Parks until another thread takes this worker off the idle stack; false when it ended after keepAlive. */
    private boolean parkUntilWoken(Worker w) {
        long idleSince = System.nanoTime();
        while (w.parked) {
            LockSupport.parkNanos(this, keepAliveNanos);
            if (w.parked && (shutdown || System.nanoTime() - idleSince >= keepAliveNanos)) {
                synchronized (lock) {
                    if (w.parked) {
                        idle.remove(w);
                        started--;
                        workers.remove(w);
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Watchdog: marks workers stuck in one task for a tick and wakes others for the waiting tasks. */
    private void watch() {
        long lastBusy = System.nanoTime();
        while (!shutdown) {
            if (watchdogSleeping) {
                LockSupport.park(this);
                lastBusy = System.nanoTime();
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
            List<Worker> toWake = null;
            synchronized (lock) {
                for (Worker w : workers) {
                    long seq = w.taskSeq;
                    if (w.running && seq == w.seenSeq && !w.stuck) {
                        w.stuck = true;
                        awake--;
                    }
                    w.seenSeq = seq;
                }
                int waiting = queue.size();
                while (waiting > 0 && awake < parallelism) {
                    Worker w = wakeOrStartLocked();
                    if (w == null) {
                        break;
                    }
                    if (toWake == null) {
                        toWake = new ArrayList<>(2);
                    }
                    toWake.add(w);
                    waiting--;
                }
                if (outstanding > 0) {
                    lastBusy = System.nanoTime();
                } else if (System.nanoTime() - lastBusy > WATCHDOG_SLEEP_AFTER_NANOS) {
                    watchdogSleeping = true; // the next execute wakes it
                }
            }
            if (toWake != null) {
                for (Worker w : toWake) {
                    if (w.thread == null) {
                        startThread(w);
                    } else {
                        LockSupport.unpark(w.thread);
                    }
                }
            }
        }
    }

    /** Tasks accepted and not yet finished (queued or running). */
    public int outstanding() {
        synchronized (lock) {
            return outstanding;
        }
    }

    /** Business threads alive now. */
    public int threads() {
        synchronized (lock) {
            return started;
        }
    }

    /** Refuses new tasks, drops queued ones, interrupts running ones and lets every thread end. */
    public void shutdownNow() {
        List<Thread> toSignal = new ArrayList<>();
        synchronized (lock) {
            if (shutdown) {
                return;
            }
            shutdown = true;
            for (Runnable task : queue) {
                if (task instanceof ProviderCall call) {
                    call.discard(); // never to run: release the request body it holds
                }
            }
            queue.clear();
            for (Worker w : workers) {
                if (w.thread != null) {
                    toSignal.add(w.thread);
                    if (w.running) {
                        w.thread.interrupt();
                    }
                }
            }
        }
        toSignal.forEach(LockSupport::unpark);
        LockSupport.unpark(watchdog);
    }

    private static final class Worker {
        final int seq;
        volatile Thread thread;
        volatile boolean parked;
        volatile boolean running;
        volatile long taskSeq;
        long seenSeq;       // watchdog's last look, guarded by lock
        boolean stuck;      // guarded by lock

        Worker(int seq) {
            this.seq = seq;
        }
    }
}
