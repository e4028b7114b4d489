package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One multiplexed connection to a provider address. Many calls are in flight at once, matched by request id.
 * A call times out on the timer wheel; when the connection drops every pending call fails at once; the
 * connection reconnects with exponential backoff; after GOAWAY it takes no new calls and lets in-flight ones finish.
 *
 * <p>This class is the connection's API; the work is done by its parts, which all run on the connection's one event
 * loop (so none needs a lock): {@link ConnectionLifecycle} (state, connect and reconnect, close, GOAWAY drain),
 * {@link RequestWriter} (encoding and writing calls), {@link InFlightCalls} (the calls awaiting an answer, and their
 * timeouts), {@link ResponseReader} (decoding answers), {@link Probes} (PINGs awaiting their PONG), and per channel
 * a {@link ClientHandler} with its {@link KeepAlive}.
 */
public final class ClientConnection {
    /** One logger for what every part of a connection reports, so that it is set up under one name. */
    static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    /** Lifecycle of the connection. */
    public enum State { CONNECTING, READY, DRAINING, DISCONNECTED, CLOSED }

    final ClientIo io;
    final String address;
    /** Every channel of this connection lives on this one loop, so its parts need no lock. */
    final EventLoop loop;
    final InFlightCalls calls;
    final RequestWriter writer;
    final ResponseReader reader;
    final Probes probes;
    final ConnectionLifecycle lifecycle;
    private final AtomicInteger nextId = new AtomicInteger(1);
    /** When the last read batch from the provider arrived ({@link System#nanoTime()}; 0 before any): written once per batch. */
    private volatile long lastInboundNanos;

    ClientConnection(ClientIo io, String host, int port) {
        this.io = io;
        this.address = host + ":" + port;
        this.loop = io.nextLoop();
        this.calls = new InFlightCalls(this);
        this.writer = new RequestWriter(this);
        this.reader = new ResponseReader(this);
        this.probes = new Probes(address, loop);
        this.lifecycle = new ConnectionLifecycle(this, new Dialer(io, host, port, address, loop, () -> new ClientHandler(this)));
        lifecycle.connect();
    }

    public String address() {
        return address;
    }

    public State state() {
        return lifecycle.state();
    }

    /** True when new calls can be sent now, or will be once the connection being made is up. */
    public boolean isAvailable() {
        State s = lifecycle.state();
        return s == State.READY || s == State.CONNECTING;
    }

    /** The current channel (null before the first connect): tests check that a failed call did not cost a reconnect. */
    Channel channel() {
        return lifecycle.channel();
    }

    /** Calls sent or queued on this connection and not yet ended. */
    public int pendingCalls() {
        return calls.count();
    }

    /**
     * When bytes from the provider last arrived, as {@link System#nanoTime()} (0 before any): any response, PONG or
     * part of a frame. A failure detector compares it with what it is waiting for.
     */
    public long lastInboundNanos() {
        return lastInboundNanos;
    }

    void inboundArrived(long nanos) {
        lastInboundNanos = nanos;
    }

    /**
     * Sends a PING now; the future completes with the round trip in nanoseconds when its PONG arrives, or fails when
     * the connection is not ready or drops first. The provider answers PINGs on its I/O thread, so a PONG proves the
     * process and the link alive even while every business thread is busy. Cancel the future to stop waiting.
     */
    public CompletableFuture<Long> ping() {
        Channel ch = lifecycle.channel();
        if (lifecycle.state() != State.READY || ch == null) {
            return CompletableFuture.failedFuture(lifecycle.cannotPing());
        }
        return probes.send(ch, nextId.getAndIncrement());
    }

    /**
     * Sends a request; the future completes with the provider's response (any status), or exceptionally with an
     * {@link RpcException}: timeout, connection failure, or a local encoding error.
     */
    public CompletableFuture<RpcResponse> call(RpcRequest request, CallSpec spec, long timeoutMillis) {
        return call(request, spec, timeoutMillis, null);
    }

    /** As {@link #call(RpcRequest, CallSpec, long)}; {@code listener} (if not null) hears the outcome before the future completes. */
    public CompletableFuture<RpcResponse> call(RpcRequest request, CallSpec spec, long timeoutMillis, CallOutcomeListener listener) {
        State s = lifecycle.state();
        if (s != State.READY && s != State.CONNECTING) {
            RpcException refused = lifecycle.notConnected(spec);
            if (listener != null) {
                listener.onOutcome(null, refused, 0);
            }
            return CompletableFuture.failedFuture(refused);
        }
        // the deadline runs from now, also while the connection is still being made
        PendingCall call = new PendingCall(calls, nextId.getAndIncrement(), spec, timeoutMillis, System.nanoTime(), listener);
        if (s == State.READY) {
            writer.send(call, request);
        } else {
            lifecycle.connectFuture().addListener(f -> {
                if (lifecycle.state() != State.READY) {
                    call.completeExceptionally(lifecycle.notConnected(spec));
                } else if (call.deadlineNanos - System.nanoTime() <= 0) {
                    call.completeExceptionally(new RpcTimeoutException("call " + spec.description() + " to " + address
                            + " timed out while connecting: not connected within the " + timeoutMillis + " ms it was given"));
                } else {
                    writer.send(call, request);
                }
            });
        }
        return call;
    }

    /**
     * Closes the connection for good. A connection draining after GOAWAY keeps its calls: it closes once the last
     * one is answered (or times out). Otherwise pending calls fail at once.
     */
    public void close() {
        lifecycle.close();
    }
}
