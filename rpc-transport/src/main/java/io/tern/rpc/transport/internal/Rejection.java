package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerInvocation;

import java.util.Objects;

/** What {@link ServerInvocation#reject} returns: the status and message that answer the call instead of a result. */
public final class Rejection {
    /** The call was cancelled before it ran: the client has forgotten its id, so nothing is sent. */
    static final Rejection NOT_ANSWERED = new Rejection(null, "cancelled before it ran");

    public final Status status;
    final String message;

    private Rejection(Status status, String message) {
        this.status = status;
        this.message = message;
    }

    static Rejection of(Status status, String message) {
        Objects.requireNonNull(status, "status");
        if (status == Status.OK || status == Status.APPLICATION_ERROR) {
            throw new IllegalArgumentException("reject(" + status + "): a rejection is a refusal status;"
                    + " return a value for OK, throw the exception for APPLICATION_ERROR");
        }
        return new Rejection(status, message);
    }
}
