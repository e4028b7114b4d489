package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;

/**
 * Second link of every method's chain: a call whose deadline passed while it waited in the queue is answered, not
 * run. Bound to its next link at export, as {@link CancelCheck}.
 */
final class DeadlineCheck implements ServerInvoker {
    static final String MESSAGE = "deadline passed while the request waited in the provider's queue; not run";

    private final ServerInvoker next;

    DeadlineCheck(ServerInvoker next) {
        this.next = next;
    }

    @Override
    public Object invoke(ServerInvocation call) throws Throwable {
        if (call.hasDeadline() && call.remainingNanos() < 0) {
            return call.reject(Status.DEADLINE_EXCEEDED, MESSAGE);
        }
        return next.invoke(call);
    }
}
