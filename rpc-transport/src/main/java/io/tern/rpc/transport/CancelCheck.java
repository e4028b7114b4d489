package io.tern.rpc.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * First link of every method's chain: a call its client cancelled while it waited in the queue is not run and not
 * answered (the client has forgotten its id), and is counted.
 */
final class CancelCheck implements ServerFilter {
    private final LongAdder cancelledBeforeRun;

    CancelCheck(LongAdder cancelledBeforeRun) {
        this.cancelledBeforeRun = cancelledBeforeRun;
    }

    @Override
    public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
        if (call.isCancelled()) {
            cancelledBeforeRun.increment();
            return Rejection.NOT_ANSWERED;
        }
        return next.invoke(call);
    }
}
