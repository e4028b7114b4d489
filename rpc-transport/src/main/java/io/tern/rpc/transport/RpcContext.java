package io.tern.rpc.transport;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.Map;

/**
 * The request a provider thread is serving: its attachments and its deadline. A proxy called from inside a
 * provider method reads it to use only the time that is left and to pass on the no-retry mark.
 */
public class RpcContext {
    // Netty's I/O and Tern's business threads are FastThreadLocalThreads: an indexed slot, no hash map entry
    private static final FastThreadLocal<RpcContext> CURRENT = new FastThreadLocal<>();

    private final Map<String, String> attachments;
    private final long deadlineNanos;
    private final boolean hasDeadline;

    /** Package-private: a served call is its own context (see ServerHandler.ServerCall). */
    RpcContext(Map<String, String> attachments, long deadlineNanos, boolean hasDeadline) {
        this.attachments = attachments;
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = hasDeadline;
    }

    /** The context of the request this thread is serving, or null outside a provider method. */
    public static RpcContext current() {
        return CURRENT.get();
    }

    static RpcContext enter(RpcContext context) {
        RpcContext previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    static void restore(RpcContext previous) {
        CURRENT.set(previous); // null keeps the slot, so the next call does not create it again
    }

    public Map<String, String> attachments() {
        return attachments;
    }

    public boolean hasDeadline() {
        return hasDeadline;
    }

    /** Nanoseconds left before the incoming request's deadline (may be negative); Long.MAX_VALUE without one. */
    public long remainingNanos() {
        return hasDeadline ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
    }
}
