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

    /** The protocol status behind this failure ({@link Status#INTERNAL_ERROR} for purely local failures). */
    public Status status() {
        return status;
    }

    /** False when the provider certainly did not run the method, so retrying elsewhere is always safe. */
    public boolean requestMayHaveRun() {
        return requestMayHaveRun;
    }
}
