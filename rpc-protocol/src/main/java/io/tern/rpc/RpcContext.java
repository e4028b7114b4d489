package io.tern.rpc;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * The request a provider thread is serving: its attachments and its deadline. A proxy called from inside a
 * provider method reads it to use only the time that is left and to pass on the no-retry mark.
 *
 * <p>It is set while the method runs on its thread. Code that continues the request elsewhere carries it along:
 * futures returned by Tern proxies called under a context complete with that context set (so a {@code thenCompose}
 * that makes the next call sees it); for your own executors, wrap them with {@link #propagating(Executor)} or wrap
 * tasks with {@link #wrap(Runnable)} (as gRPC's {@code Context.wrap}).
 */
public class RpcContext {
    // Netty's I/O and Tern's business threads are FastThreadLocalThreads: an indexed slot, no hash map entry
    private static final FastThreadLocal<RpcContext> CURRENT = new FastThreadLocal<>();

    private final Map<String, String> attachments;
    private final long deadlineNanos;
    private final boolean hasDeadline;

    /** For the provider's call object, which is its own context. */
    protected RpcContext(Map<String, String> attachments, long deadlineNanos, boolean hasDeadline) {
        this.attachments = attachments;
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = hasDeadline;
    }

    /** The context of the request this thread is serving, or null outside a provider method. */
    public static RpcContext current() {
        return CURRENT.get();
    }

    /**
     * An executor that runs each task with the context that was current when the task was submitted (none if none
     * was), so onward calls from the task keep the request's deadline and no-retry mark.
     */
    public static Executor propagating(Executor executor) {
        return task -> {
            RpcContext captured = CURRENT.get();
            executor.execute(captured == null ? task : captured.wrap(task));
        };
    }

    /** {@code task}, run with this context set on whatever thread runs it. */
    public Runnable wrap(Runnable task) {
        return () -> {
            RpcContext previous = enter(this);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        };
    }

    /** {@code task}, called with this context set on whatever thread calls it. */
    public <T> Callable<T> wrap(Callable<T> task) {
        return () -> {
            RpcContext previous = enter(this);
            try {
                return task.call();
            } finally {
                restore(previous);
            }
        };
    }

    /** Makes {@code context} current on this thread; returns the one it replaces (for {@link #restore}). */
    protected static RpcContext enter(RpcContext context) {
        RpcContext previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    protected static void restore(RpcContext previous) {
        CURRENT.set(previous); // null keeps the slot, so the next call does not create it again
    }

    public Map<String, String> attachments() {
        return attachments;
    }

    public boolean hasDeadline() {
        return hasDeadline;
    }

    /**
     * True once the client has cancelled this call (SPEC §2 CANCEL: the losing attempt of a backup pair, a caller's
     * cancel, an expired deadline): a long-running method may poll it and stop early; its answer would be ignored.
     */
    public boolean isCancelled() {
        return false;
    }

    /** Nanoseconds left before the incoming request's deadline (may be negative); Long.MAX_VALUE without one. */
    public long remainingNanos() {
        return hasDeadline ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
    }

    /**
     * A context not tied to a served call, with {@code attachments} and {@code remaining} time (null: no deadline):
     * for tests of code that reads {@link #current()}, entered with {@link #wrap(Runnable)}.
     */
    public static RpcContext of(Map<String, String> attachments, java.time.Duration remaining) {
        return new RpcContext(Map.copyOf(attachments), remaining == null ? 0 : System.nanoTime() + remaining.toNanos(), remaining != null);
    }
}
