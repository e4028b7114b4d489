package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.TransportServer;

import java.util.concurrent.atomic.LongAdder;

/** The provider's event counts since start, read by {@link TransportServer}'s public getters (metrics, tests). */
public final class ServerCounters {
    public final LongAdder authRefusals = new LongAdder();
    public final LongAdder cancelsReceived = new LongAdder();
    public final LongAdder cancelledBeforeRun = new LongAdder();
    public final LongAdder serverBusy = new LongAdder();
}
