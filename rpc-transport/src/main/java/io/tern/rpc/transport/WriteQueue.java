package io.tern.rpc.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands encoded frames from any thread to a channel's event loop in batches: one task and one flush per batch,
 * not one wake-up and one syscall per frame.
 */
final class WriteQueue implements Runnable {
    private final Channel channel;
    private final Queue<ByteBuf> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    WriteQueue(Channel channel) {
        this.channel = channel;
    }

    void write(ByteBuf frame) {
        queue.offer(frame);
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
    public void run() {
        scheduled.set(false);
        ByteBuf frame;
        boolean wrote = false;
        while ((frame = queue.poll()) != null) {
            channel.write(frame, channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void drop() {
        ByteBuf frame;
        while ((frame = queue.poll()) != null) {
            frame.release();
        }
    }
}
