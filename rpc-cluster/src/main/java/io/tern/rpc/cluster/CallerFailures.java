package io.tern.rpc.cluster;

import io.tern.rpc.RpcStatusException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcResponse;

/**
 * What a failed call tells its caller: the provider that refused it (not the registry it was found through), the
 * timeout the caller set (not what was left of it when the last attempt went out, which the cause still tells),
 * and the line of code that made the call (see {@link CallerStacks}).
 */
final class CallerFailures {
    /** An attempt given up within this much of the deadline ended with the call's deadline (Endpoint refuses under 1 ms). */
    private static final long DEADLINE_SLACK_NANOS = 1_000_000L;

    private final String serviceKey;
    /** What the proxy was made for: a registry's description, or the provider address of a reference to one. */
    private final String target;
    /** The provider of a reference to one address; null over a registry, whose calls name the provider that answered. */
    private final String address;
    private final long timeoutNanos;
    private final boolean captureCallSite;

    CallerFailures(String serviceKey, String target, String address, long timeoutNanos, boolean captureCallSite) {
        this.serviceKey = serviceKey;
        this.target = target;
        this.address = address;
        this.timeoutNanos = timeoutNanos;
        this.captureCallSite = captureCallSite;
    }

    /** Where an async call is made, if call sites are captured (else {@link CallSite#NOT_CAPTURED}). */
    CallSite capture() {
        return captureCallSite ? new CallSite() : CallSite.NOT_CAPTURED;
    }

    /** A provider's refusal (a non-OK framework status), naming the provider that answered. */
    RpcStatusException refused(RpcResponse response, Invocation invocation) {
        return new RpcStatusException(response.status(), response.status() + " from " + provider(invocation, target) + " for "
                + serviceKey + ": " + response.message());
    }

    /** A blocking call's failure, made on the calling thread so its stack trace is the caller's. */
    Throwable thrown(Throwable failure, Invocation invocation) {
        String timedOut = timeoutMessage(failure, invocation);
        if (timedOut == null) {
            return CallerStacks.onCallerThread(failure);
        }
        return new RpcTimeoutException(timedOut, failure); // made here: the caller's frames
    }

    /** An async call's failure, for its future: with the frames of {@code callSite} when one was captured. */
    Throwable completed(Throwable failure, Invocation invocation, CallSite callSite) {
        String timedOut = timeoutMessage(failure, invocation);
        if (timedOut == null) {
            return callSite == null ? failure : CallerStacks.atCallSite(failure, callSite);
        }
        RpcTimeoutException e = new RpcTimeoutException(timedOut, failure);
        if (callSite != null) {
            e.setStackTrace(CallerStacks.callerFrames(callSite.getStackTrace()));
        }
        return e;
    }

    /**
     * The caller's account of a timeout that ended the call at its deadline: the timeout the caller set, or the time
     * the request being served had left. Null for other failures, and for a timeout before the deadline (an attempt
     * timeout with no retry left; the deadline of the served request already gone), whose own message is right.
     */
    private String timeoutMessage(Throwable failure, Invocation invocation) {
        if (failure == null || failure.getClass() != RpcTimeoutException.class) {
            return null;
        }
        boolean inherited = invocation.hasInheritedDeadline();
        long deadline = inherited ? invocation.inheritedDeadlineNanos() : invocation.deadlineNanos();
        if (System.nanoTime() - deadline < -DEADLINE_SLACK_NANOS) {
            return null;
        }
        String call = "call " + invocation.spec().description() + to(invocation);
        if (!inherited) {
            return call + " timed out after " + millis(timeoutNanos) + " ms (the call's timeout)";
        }
        long given = deadline - (invocation.deadlineNanos() - timeoutNanos); // the proxy's invocation starts at its deadline - timeout
        if (given <= 0) {
            return null;
        }
        return call + " timed out after " + millis(given) + " ms: the time left of the request it was made for"
                + " (the call's own timeout is " + millis(timeoutNanos) + " ms)";
    }

    private String to(Invocation invocation) {
        String provider = provider(invocation, null);
        return provider == null ? "" : " to " + provider;
    }

    private String provider(Invocation invocation, String otherwise) {
        Endpoint by = invocation.answeredBy();
        return by != null ? by.address() : address != null ? address : otherwise;
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1_000_000d);
    }
}
