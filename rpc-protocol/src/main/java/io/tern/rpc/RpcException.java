package io.tern.rpc;

import io.tern.rpc.protocol.Status;

/**
 * Base of every failure the framework itself reports to a caller. {@link #status()} tells what happened in
 * the terms of the wire protocol; {@link #requestMayHaveRun()} tells whether a retry could run the method twice.
 */
public class RpcException extends RuntimeException {
    private final Status status;
    private final boolean requestMayHaveRun;

    public RpcException(Status status, String message, boolean requestMayHaveRun, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.requestMayHaveRun = requestMayHaveRun;
    }

    public RpcException(Status status, String message, boolean requestMayHaveRun) {
        this(status, message, requestMayHaveRun, null);
    }

    /**
     * A copy of a failure for the thread that throws it to a caller: same status, message and may-have-run answer,
     * {@code failure} as its cause, and the stack trace of the thread that makes the copy (the line that made the
     * call, where the failure itself was made on an I/O or timer thread).
     */
    protected RpcException(RpcException failure) {
        this(failure.status, failure.getMessage(), failure.requestMayHaveRun, failure);
    }

    /**
     * This failure as the caller should see it: a new exception of the same type, status and message, with the stack
     * trace of the current thread and this one as its cause (see {@link #RpcException(RpcException)}). A subclass that
     * does not override it gets a plain {@code RpcException}; the proxy then keeps the original instead.
     */
    public RpcException withCallerStack() {
        return new RpcException(this);
    }

    /** The protocol status behind this failure ({@link Status#INTERNAL_ERROR} for purely local failures). */
    public Status status() {
        return status;
    }

    /** False when the provider certainly did not run the method, so retrying elsewhere is always safe. */
    public boolean requestMayHaveRun() {
        return requestMayHaveRun;
    }
}
