package io.tern.rpc.transport;

import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.internal.Rejection;

import java.lang.reflect.Method;
import java.util.Map;

/** One call a provider is serving, as {@link ServerFilter}s see it. */
public interface ServerInvocation {
    /** {@code interface[:version][@group]} (SPEC §4). */
    String serviceKey();

    /** The interface method being called. */
    Method method();

    /** The decoded arguments; a filter may replace elements before passing the call on. */
    Object[] arguments();

    /** Whether the method returns a {@code CompletableFuture} (the result a filter sees is then that future). */
    boolean async();

    /** The request's attachments (string to string); read-only. */
    Map<String, String> attachments();

    default String attachment(String key) {
        return attachments().get(key);
    }

    /** The caller's address, {@code host:port}. */
    String peer();

    /** Whether the caller sent a deadline. */
    boolean hasDeadline();

    /** Nanoseconds left before the caller's deadline (negative once passed); meaningful when {@link #hasDeadline()}. */
    long remainingNanos();

    /** Whether the caller has cancelled this call (CANCEL received). */
    boolean isCancelled();

    /**
     * The answer that refuses this call with {@code status} (not OK, not APPLICATION_ERROR) and {@code message}, instead
     * of running the rest of the chain: a filter returns it.
     */
    Object reject(Status status, String message);

    /**
     * The status of a refusal made with {@link #reject} further down the chain, if {@code result} (what a filter got
     * from {@code next}) is one; null for a method's result.
     */
    static Status rejectedWith(Object result) {
        return result instanceof Rejection r ? r.status : null;
    }
}
