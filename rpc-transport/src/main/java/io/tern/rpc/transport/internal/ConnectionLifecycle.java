package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.internal.ClientConnection.State;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.tern.rpc.transport.internal.ClientConnection.log;

/**
 * The life of one connection: its {@link State}, its current channel, connecting and reconnecting with
 * {@link ReconnectBackoff}, closing, and draining after GOAWAY. Its fields are volatile: the event loop changes
 * them, and so do the thread that starts a connect (the creator, the timer of a reconnect) and the one that closes.
 */
final class ConnectionLifecycle {
    private final ClientConnection connection;
    private final Dialer dialer;
    private final ReconnectBackoff backoff;
    private volatile State state = State.CONNECTING;
    private volatile ChannelFuture connectFuture;
    private volatile Channel channel;
    private volatile Throwable lastFailure;
    private volatile boolean closeWhenDrained;

    ConnectionLifecycle(ClientConnection connection, Dialer dialer) {
        this.connection = connection;
        this.dialer = dialer;
        ClientConfig config = connection.io.config();
        this.backoff = new ReconnectBackoff(config.reconnectMinBackoff().toMillis(), config.reconnectMaxBackoff().toMillis(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    State state() {
        return state;
    }

    /** The current channel (null before the first connect). */
    Channel channel() {
        return channel;
    }

    /** The attempt under way, or the last one: done once the connection is READY or has failed to get there. */
    ChannelFuture connectFuture() {
        return connectFuture;
    }

    /** The channel failed with {@code cause}; it is about to close. */
    void failed(Throwable cause) {
        lastFailure = cause;
    }

    void connect() {
        if (connection.io.closed() || state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        ChannelFuture ready = dialer.dial();
        connectFuture = ready;
        ready.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                connected(f.channel());
            } else {
                lastFailure = f.cause();
                if (state != State.CLOSED) {
                    state = State.DISCONNECTED;
                    log.debug("connect to {} failed: {}", connection.address, f.cause().toString());
                    scheduleReconnect();
                }
            }
        });
    }

    private void connected(Channel ch) {
        channel = ch;
        connection.writer.attach(ch);
        backoff.reset();
        lastFailure = null;
        if (state == State.CLOSED) {
            ch.close();
            return;
        }
        state = State.READY;
        log.debug("connected to {}", connection.address);
    }

    private void scheduleReconnect() {
        if (connection.io.closed() || state == State.CLOSED) {
            return;
        }
        connection.io.timer().newTimeout(t -> connect(), backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /** Event loop: the channel is inactive. Every sent call and probe fails; unless closed, the connection reconnects. */
    void disconnected() {
        if (closeWhenDrained) {
            state = State.CLOSED; // released while draining: done now, no reconnect
        }
        State previous = state;
        if (previous != State.CLOSED) {
            state = State.DISCONNECTED;
        }
        String address = connection.address;
        connection.calls.failAll(previous == State.CLOSED ? "connection to " + address + " closed by the client" : "connection to " + address + " closed");
        connection.probes.failAll();
        if (previous != State.CLOSED) {
            scheduleReconnect();
        }
    }

    /** See {@link ClientConnection#close()}. */
    void close() {
        if (state == State.DRAINING && connection.calls.count() > 0) {
            closeWhenDrained = true;
            return;
        }
        state = State.CLOSED;
        Channel ch = channel;
        if (ch != null) {
            ch.close(); // its pending calls fail when it is inactive
        }
    }

    /** Event loop: the provider sent GOAWAY; no new calls, and the connection closes once the sent ones ended. */
    void goAway() {
        log.info("provider {} sent GOAWAY: no new calls on this connection ({} in flight)", connection.address, connection.calls.count());
        if (state == State.READY) {
            state = State.DRAINING;
        }
        closeIfDrained();
    }

    /** Event loop: a call ended without its response (timed out, cancelled). */
    void callEnded() {
        if (state == State.DRAINING) {
            closeIfDrained();
        }
    }

    /** After GOAWAY, the connection closes itself once every request it sent has its answer. */
    void closeIfDrained() {
        Channel ch = channel;
        if (state == State.DRAINING && connection.calls.count() == 0 && ch != null) {
            ch.close();
        }
    }

    /** Why a call cannot be sent now, for its failure. */
    RpcConnectionException notConnected(CallSpec spec) {
        String why = switch (state) {
            case DRAINING -> "the provider sent GOAWAY (shutting down)";
            case CLOSED -> "the connection was closed by this client";
            default -> "not connected" + (lastFailure == null ? "" : " (" + lastFailure.getMessage() + ")") + "; reconnecting";
        };
        return new RpcConnectionException("call " + spec.description() + " not sent to " + connection.address + ": " + why, false, lastFailure);
    }

    /** Why a PING cannot be sent now. */
    RpcConnectionException cannotPing() {
        return new RpcConnectionException("cannot PING " + connection.address + ": not connected", false, lastFailure);
    }
}
