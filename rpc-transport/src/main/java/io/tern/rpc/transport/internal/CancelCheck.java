package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;

import java.util.concurrent.atomic.LongAdder;

/**
 * First link of every method's chain: a call its client cancelled while it waited in the queue is not run and not
 * answered (the client has forgotten its id), and is counted. Bound to its next link at export, so it costs a call
 * with no wrapper between the links.
 */
final class CancelCheck implements ServerInvoker {
    private final LongAdder cancelledBeforeRun;
    private final ServerInvoker next;

    CancelCheck(LongAdder cancelledBeforeRun, ServerInvoker next) {
        this.cancelledBeforeRun = cancelledBeforeRun;
        this.next = next;
    }

    @Override
    public Object invoke(ServerInvocation call) throws Throwable {
        if (call.isCancelled()) {
            cancelledBeforeRun.increment();
            return Rejection.NOT_ANSWERED;
        }
        return next.invoke(call);
    }
}
