package io.tern.rpc.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundInvoker;

/**
 * Frames written on the event loop while it handles one read batch (DIRECT-mode responses, refusals, a client
 * callback sending its next call): straight to the channel, with a flush every {@link WriteQueue#FLUSH_EVERY}
 * frames and one when the batch ends. Event loop only.
 */
final class ReadBatchWrites {
    private boolean inBatch;
    private boolean wroteAny;
    private int unflushed;

    void batchStarted() {
        inBatch = true;
    }

    boolean inBatch() {
        return inBatch;
    }

    void write(ChannelOutboundInvoker out, ByteBuf frame) {
        out.write(frame, out.voidPromise());
        wroteAny = true;
        if (++unflushed >= WriteQueue.FLUSH_EVERY) {
            unflushed = 0;
            out.flush();
        }
    }

    /** At channelReadComplete: flushes what the batch left unflushed; true if the batch wrote anything. */
    boolean batchComplete(ChannelOutboundInvoker out) {
        boolean wrote = wroteAny;
        if (unflushed > 0) {
            out.flush();
        }
        reset();
        return wrote;
    }

    /** Forgets a batch that ended without its channelReadComplete (the channel died inside it). */
    void reset() {
        inBatch = false;
        wroteAny = false;
        unflushed = 0;
    }
}
