package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probe PINGs on an embedded channel: the event loop runs only when the test says so. */
class ProbesTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Probes probes = new Probes("127.0.0.1:1", channel.eventLoop());

    @AfterEach
    void stop() {
        channel.finishAndReleaseAll();
    }

    private int sentPingId() {
        channel.runPendingTasks();
        return nextPingId();
    }

    private int nextPingId() {
        ByteBuf ping = channel.readOutbound();
        try {
            assertEquals(MessageType.PING, ping.getByte(FrameHeader.OFFSET_TYPE));
            return ping.getInt(FrameHeader.OFFSET_REQUEST_ID);
        } finally {
            ping.release();
        }
    }

    @Test
    void aPongCompletesItsProbeWithTheRoundTrip() throws Exception {
        CompletableFuture<Long> a = probes.send(channel, 7);
        CompletableFuture<Long> b = probes.send(channel, 8);
        assertEquals(7, sentPingId());
        assertEquals(8, nextPingId(), "both sent in one loop turn");
        probes.ponged(8);
        assertTrue(b.isDone() && b.get() >= 0);
        assertFalse(a.isDone(), "a PONG answers only the probe of its id");
        probes.ponged(0); // the heartbeat's PONG: no probe
        assertFalse(a.isDone());
        probes.ponged(7);
        assertTrue(a.get() >= 0);
    }

    @Test
    void theChannelsEndFailsEveryOpenProbe() {
        CompletableFuture<Long> p = probes.send(channel, 3);
        assertEquals(3, sentPingId());
        probes.failAll();
        ExecutionException e = assertThrows(ExecutionException.class, p::get);
        assertInstanceOf(RpcConnectionException.class, e.getCause());
        probes.ponged(3); // a late PONG finds nothing to complete
    }

    @Test
    void aProbeCancelledBeforeItsTurnIsNotSent() {
        CompletableFuture<Long> p = probes.send(channel, 4);
        p.cancel(false);
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
    }

    @Test
    void aProbeOnAClosedChannelFailsWithoutBeingSent() {
        channel.close();
        CompletableFuture<Long> p = probes.send(channel, 5);
        channel.runPendingTasks();
        assertInstanceOf(RpcConnectionException.class, assertThrows(ExecutionException.class, p::get).getCause());
    }
}
