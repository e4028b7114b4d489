package io.tern.rpc.transport;

import java.util.concurrent.atomic.LongAdder;

/** The provider's event counts since start, read by {@link TransportServer}'s public getters (metrics, tests). */
final class ServerCounters {
    final LongAdder authRefusals = new LongAdder();
    final LongAdder cancelsReceived = new LongAdder();
    final LongAdder cancelledBeforeRun = new LongAdder();
}
