package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider's calls in flight and its graceful stop: once {@link #drain} begins, new requests are refused with
 * SHUTTING_DOWN, every client gets GOAWAY and a PING, and the drain waits for the calls to be answered and the clients
 * to acknowledge (or close).
 */
public final class ServerDrain {
    private static final Logger log = LoggerFactory.getLogger(ServerDrain.class);
    /** Request id of the PING sent after GOAWAY: its PONG proves the client sent nothing more before stopping. */
    static final int DRAIN_PING_ID = 0x7EE7D0A1;
    /** How long a peer that never answers PINGs may hold the drain once its calls are done. */
    static final long DRAIN_ACK_TIMEOUT_NANOS = 2_000_000_000L;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<Channel> acknowledged = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile boolean shuttingDown;

    public int inFlight() {
        return inFlight.get();
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** Refuses a request that arrives once the drain has begun. */
    void refuseIfShuttingDown(Channel channel) throws RequestRefused {
        if (shuttingDown) {
            throw new RequestRefused(Status.SHUTTING_DOWN, "provider " + FrameDecoder.peer(channel.localAddress())
                    + " is shutting down; call another provider");
        }
    }

    void callStarted() {
        inFlight.incrementAndGet();
    }

    void callFinished() {
        if (inFlight.decrementAndGet() == 0 && shuttingDown) {
            wake();
        }
    }

    /** A client answered the drain PING: nothing more is coming from it. */
    void acknowledged(Channel ch) {
        acknowledged.add(ch);
        wake();
    }

    /** A connection closed: a draining client may have finished. */
    void closed(Channel ch) {
        acknowledged.remove(ch);
        wake();
    }

    /** From now on requests are refused with SHUTTING_DOWN. */
    public void begin() {
        shuttingDown = true;
    }

    /**
     * GOAWAY and a PING to every client, then waits up to {@code grace} until every accepted call is answered and
     * every client has acknowledged GOAWAY (its PONG to the drain PING arrives after anything it sent before it
     * stopped sending) or closed.
     */
    public void drain(ChannelGroup channels, Duration grace) {
        begin();
        for (Channel ch : channels) {
            ch.eventLoop().execute(() -> {
                ch.write(FrameHeader.control(ch.alloc(), MessageType.GOAWAY, 0));
                ch.writeAndFlush(FrameHeader.control(ch.alloc(), MessageType.PING, DRAIN_PING_ID));
            });
        }
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        synchronized (lock) {
            long left;
            while ((inFlight.get() > 0 || (!allAcknowledged(channels) && System.nanoTime() - start < DRAIN_ACK_TIMEOUT_NANOS))
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, 50_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (inFlight.get() > 0) {
            log.warn("Shutdown grace of {} ms passed with {} calls still running; closing anyway", grace.toMillis(), inFlight.get());
        }
    }

    private boolean allAcknowledged(ChannelGroup channels) {
        for (Channel ch : channels) {
            if (!acknowledged.contains(ch)) {
                return false;
            }
        }
        return true;
    }

    private void wake() {
        if (shuttingDown) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }
}
