package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batching write queue, with small chunks: a burst many chunks long still goes out whole and in order. */
class WriteQueueTest {

    @Test
    void aBurstLongerThanManyChunksIsWrittenInOrderInOneTask() {
        EmbeddedChannel ch = new EmbeddedChannel();
        WriteQueue queue = new WriteQueue(ch);
        int n = 10 * WriteQueue.CHUNK + 3;
        for (int i = 0; i < n; i++) {
            queue.write(Unpooled.buffer(4).writeInt(i));
        }
        assertNull(ch.readOutbound(), "nothing is written before the event loop runs the batch");
        ch.runPendingTasks();
        for (int i = 0; i < n; i++) {
            ByteBuf frame = ch.readOutbound();
            try {
                assertEquals(i, frame.readInt());
            } finally {
                frame.release();
            }
        }
        assertNull(ch.readOutbound());
        assertTrue(queue.wroteSinceLastAsked());
        assertFalse(queue.wroteSinceLastAsked());
        ch.finishAndReleaseAll();
    }

    @Test
    void theQueueIsReusedAfterADrain() {
        EmbeddedChannel ch = new EmbeddedChannel();
        WriteQueue queue = new WriteQueue(ch);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < WriteQueue.CHUNK + 1; i++) {
                queue.write(Unpooled.buffer(4).writeInt(round * 1000 + i));
            }
            ch.runPendingTasks();
            for (int i = 0; i < WriteQueue.CHUNK + 1; i++) {
                ByteBuf frame = ch.readOutbound();
                try {
                    assertEquals(round * 1000 + i, frame.readInt());
                } finally {
                    frame.release();
                }
            }
        }
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }
}
