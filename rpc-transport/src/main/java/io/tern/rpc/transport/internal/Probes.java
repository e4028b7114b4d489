package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The probe PINGs of {@link ClientConnection#ping()} awaiting their PONG, by request id. The table is touched only
 * on the connection's event loop. The heartbeat's own PINGs (id 0) are not probes.
 */
final class Probes {
    private final String address;
    private final EventLoop loop;
    private final IntObjectHashMap<Probe> waiting = new IntObjectHashMap<>();

    Probes(String address, EventLoop loop) {
        this.address = address;
        this.loop = loop;
    }

    /** Any thread: sends a probe with this id on {@code ch}; completes with the round trip in nanoseconds. */
    CompletableFuture<Long> send(Channel ch, int id) {
        Probe probe = new Probe(id, System.nanoTime());
        try {
            loop.execute(() -> write(probe, ch));
        } catch (RejectedExecutionException e) {
            probe.completeExceptionally(new RpcConnectionException("cannot PING " + address + ": client closed", false, e));
        }
        return probe;
    }

    private void write(Probe probe, Channel ch) {
        if (probe.isDone()) {
            return;
        }
        if (!ch.isActive()) {
            probe.completeExceptionally(new RpcConnectionException("PING to " + address + " not sent: connection closed", false, null));
            return;
        }
        waiting.put(probe.id, probe);
        probe.whenComplete((rtt, e) -> {
            if (probe.isCancelled()) {
                loop.execute(() -> waiting.remove(probe.id)); // the detector gave up on it: forget its id
            }
        });
        ch.writeAndFlush(FrameHeader.control(ch.alloc(), MessageType.PING, probe.id), ch.voidPromise());
    }

    /** Event loop: a PONG arrived; completes the probe it answers, if any. */
    void ponged(int id) {
        Probe probe = waiting.remove(id);
        if (probe != null) {
            probe.complete(System.nanoTime() - probe.sentNanos);
        }
    }

    /** Event loop: the channel closed, so no PONG will come for any probe on it. */
    void failAll() {
        if (waiting.isEmpty()) {
            return;
        }
        List<Probe> open = new ArrayList<>(waiting.values());
        waiting.clear();
        for (Probe p : open) {
            p.completeExceptionally(new RpcConnectionException("connection to " + address + " closed before the PONG", false, null));
        }
    }

    /** A probe PING in flight. */
    private static final class Probe extends CompletableFuture<Long> {
        final int id;
        final long sentNanos;

        Probe(int id, long sentNanos) {
            this.id = id;
            this.sentNanos = sentNanos;
        }
    }
}
