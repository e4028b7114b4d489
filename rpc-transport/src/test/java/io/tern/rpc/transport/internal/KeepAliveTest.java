package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The heartbeat's decisions, on an embedded channel whose clock the test moves. */
class KeepAliveTest {
    private static final long INTERVAL = 100;

    private EmbeddedChannel channel;
    private final AtomicBoolean wrote = new AtomicBoolean();
    private final AtomicInteger asked = new AtomicInteger();

    @BeforeEach
    void start() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        ChannelInboundHandlerAdapter last = new ChannelInboundHandlerAdapter();
        channel.pipeline().addLast(last);
        ChannelHandlerContext ctx = channel.pipeline().context(last);
        new KeepAlive(ctx, INTERVAL, () -> {
            asked.incrementAndGet();
            return wrote.getAndSet(false);
        }).start();
    }

    @AfterEach
    void stop() {
        channel.finishAndReleaseAll();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private void assertOnePing() {
        ByteBuf ping = channel.readOutbound();
        try {
            assertEquals(FrameHeader.LENGTH, ping.readableBytes());
            assertEquals(MessageType.PING, ping.getByte(FrameHeader.OFFSET_TYPE));
            assertEquals(0, ping.getInt(FrameHeader.OFFSET_REQUEST_ID), "the heartbeat's PING has id 0, no probe's");
        } finally {
            ping.release();
        }
        assertNull(channel.readOutbound(), "one PING per interval");
    }

    @Test
    void anIntervalWithNothingWrittenEndsWithAPing() {
        advance(INTERVAL - 1);
        assertNull(channel.readOutbound(), "no PING before the interval is over");
        advance(1);
        assertOnePing();
        advance(INTERVAL);
        assertOnePing();
        assertEquals(2, asked.get());
    }

    @Test
    void anIntervalInWhichSomethingWasWrittenNeedsNoPing() {
        wrote.set(true);
        advance(INTERVAL);
        assertNull(channel.readOutbound(), "the channel wrote, so the link is proven without a PING");
        advance(INTERVAL);
        assertOnePing();
    }

    @Test
    void theBeatStopsOnceTheChannelIsClosed() {
        advance(INTERVAL);
        assertOnePing();
        channel.close();
        advance(10 * INTERVAL);
        assertNull(channel.readOutbound());
        assertEquals(1, asked.get(), "a closed channel is not asked again");
        assertFalse(channel.hasPendingTasks(), "nothing left scheduled");
    }
}
