package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands outbound messages from any thread to a channel's event loop in batches: one task per batch and a flush per
 * {@link BatchWrites#FLUSH_EVERY} frames, not one wake-up and one syscall per frame. A message is a {@link ByteBuf}
 * frame, or anything a subclass turns into one on the event loop ({@link #toFrame}), such as a client call that must
 * be registered there first.
 */
class WriteQueue implements Runnable {
    static final int CHUNK = 128;
    private final Channel channel;
    /**
     * Chunks of {@link #CHUNK} slots (a 528-byte array) rather than the default 1024 (4 KiB), which every connection,
     * idle or not, held (issue 16). The chunk is reused as a ring while the event loop keeps up; only when more than
     * {@code CHUNK} messages wait at once is another one linked (as past 1024 before). The bound is never reached:
     * memory would run out first.
     */
    private final Queue<Object> queue = PlatformDependent.newMpscQueue(CHUNK, 1 << 30);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Set when a batch was written; the heartbeat clears it (event loop only). */
    private boolean wrote;
    private final BatchWrites batch = new BatchWrites();

    WriteQueue(Channel channel) {
        this.channel = channel;
    }

    final Channel channel() {
        return channel;
    }

    final void write(Object message) {
        queue.offer(message);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                drop(); // the event loop is shut down: nothing can be written any more
            }
        }
    }

    @Override
    public final void run() {
        scheduled.set(false);
        Object message;
        while ((message = queue.poll()) != null) {
            ByteBuf frame = toFrame(message);
            if (frame != null) {
                batch.write(channel, frame);
            }
        }
        if (batch.batchComplete(channel)) {
            wrote = true;
        }
    }

    /** Notes a write that bypassed the queue (event loop only). */
    final void wroteDirectly() {
        wrote = true;
    }

    /** True if anything was written since the last call (event loop only). */
    final boolean wroteSinceLastAsked() {
        boolean w = wrote;
        wrote = false;
        return w;
    }

    /** On the event loop: the frame to write for a queued message, or null to write nothing. */
    protected ByteBuf toFrame(Object message) {
        return (ByteBuf) message;
    }

    /** A queued message that will never be written (the event loop is gone): release what it holds. */
    protected void dropped(Object message) {
        ((ByteBuf) message).release();
    }

    private void drop() {
        Object message;
        while ((message = queue.poll()) != null) {
            dropped(message);
        }
    }
}
