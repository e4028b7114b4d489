package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.tern.rpc.transport.internal.InboundBudget;
import io.tern.rpc.protocol.internal.Inflation;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.serialize.ValueCodec;

/**
 * The undecoded arguments of a large request, held (and counted against the inbound budget) until a business
 * thread decodes them: the rest of the inflation, or the received body positioned at the first argument.
 */
final class LargeBody {
    private final Inflation inflation;
    /** The received body (for a compressed one, the compressed bytes the inflation reads). */
    private final ByteBuf received;
    private final ValueCodec[] argCodecs;
    private final InboundBudget.Share inbound;
    private final long reserved;
    private boolean holdsReservation;
    private boolean released;

    LargeBody(Inflation inflation, ByteBuf received, ValueCodec[] argCodecs, InboundBudget.Share inbound, long reserved) {
        this.inflation = inflation;
        this.received = received;
        this.argCodecs = argCodecs;
        this.inbound = inbound;
        this.reserved = reserved;
    }

    /** Counts the body against the connection's inbound budget; false (the caller releases it) when that is full. */
    boolean reserve() {
        holdsReservation = inbound.reserve(reserved);
        return holdsReservation;
    }

    Object[] decode() {
        if (inflation == null) {
            return MessageCodec.decodeArguments(received, argCodecs);
        }
        inflation.inflateAll();
        return MessageCodec.decodeArguments(inflation.output(), argCodecs);
    }

    void release() {
        if (released) {
            return;
        }
        released = true;
        if (inflation != null) {
            inflation.close();
        }
        received.release();
        if (holdsReservation) {
            inbound.release(reserved);
        }
    }
}
