package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Status;

/**
 * A request the provider answers with a status instead of running it (bad request, not found, busy, shutting down):
 * thrown by a step of the call path, answered once by the handler. Refusals are rare and need no stack trace.
 */
final class RequestRefused extends Exception {
    private final Status status;

    RequestRefused(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    Status status() {
        return status;
    }
}
