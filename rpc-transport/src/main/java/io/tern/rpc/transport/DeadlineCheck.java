package io.tern.rpc.transport;

import io.tern.rpc.protocol.Status;

/** Second link of every method's chain: a call whose deadline passed while it waited in the queue is answered, not run. */
final class DeadlineCheck implements ServerFilter {
    static final DeadlineCheck INSTANCE = new DeadlineCheck();
    static final String MESSAGE = "deadline passed while the request waited in the provider's queue; not run";

    private DeadlineCheck() {
    }

    @Override
    public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
        if (call.hasDeadline() && call.remainingNanos() < 0) {
            return call.reject(Status.DEADLINE_EXCEEDED, MESSAGE);
        }
        return next.invoke(call);
    }
}
