package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ClientConfig;

/**
 * The outbound side of a connection. A call is admitted under rpc.consumer.max-pending-calls, encoded on the
 * caller's thread, and written: straight into the read batch when a response callback on the connection's own
 * loop sends it, else through the channel's {@link WriteQueue}, where it becomes pending just before its frame is
 * written. The connection's control frames (PONG, CANCEL) take the same two ways.
 */
final class RequestWriter {
    private final ClientConnection connection;
    /** Calls sent from a response callback on this connection's loop, inside the read batch. */
    private final BatchWrites batch = new BatchWrites();
    /** The write queue of the current channel (null before the first connect). */
    private volatile RequestQueue queue;

    RequestWriter(ClientConnection connection) {
        this.connection = connection;
    }

    /** A new channel is connected: writes go to it from now on. */
    void attach(Channel channel) {
        queue = new RequestQueue(channel);
    }

    void send(PendingCall call, RpcRequest request) {
        if (call.isDone()) {
            return; // cancelled while the connection was being made
        }
        CallSpec spec = call.spec;
        ClientConfig config = connection.io.config();
        InFlightCalls calls = connection.calls;
        if (calls.accepted() > config.maxPendingCalls()) {
            int n = calls.endedUnsent();
            call.completeExceptionally(new RpcException(Status.SERVER_BUSY, "call " + spec.description() + " not sent to " + connection.address
                    + ": " + n + " calls already in flight on this connection (rpc.consumer.max-pending-calls)", false));
            return;
        }
        String token = config.authToken();
        // the consumer's call path carries the token already (its auth link puts it in without a copy); a call made
        // straight on a connection gets it here
        if (token != null && request.attachment(RpcRequest.AUTH_TOKEN) == null) {
            java.util.Map<String, String> withToken = io.tern.rpc.protocol.internal.Attachments.copyOf(request.attachments());
            withToken.put(RpcRequest.AUTH_TOKEN, token);
            request = new RpcRequest(request.serviceKey(), request.methodName(), request.parameterTypes(), request.arguments(), withToken);
        }
        ConnectionLifecycle lifecycle = connection.lifecycle;
        Channel ch = lifecycle.channel();
        try {
            call.frame = MessageCodec.encodeRequest(ch.alloc(), call.id, spec.serializer(), spec.compression(), request, spec.argCodecs(),
                    spec.prefixFor(request));
        } catch (Exception e) {
            calls.endedUnsent();
            call.completeExceptionally(new RpcException(Status.INTERNAL_ERROR, "cannot encode the arguments of " + spec.description()
                    + " with " + spec.serializer().name() + ": " + e.getMessage(), false, e));
            return;
        }
        int frameBytes = call.frame.readableBytes();
        if (frameBytes > config.maxFrameLength()) {
            // the provider would close the whole shared connection on reading this header, failing every call on it
            unsent(call, tooLarge(spec, frameBytes, config.maxFrameLength()));
            return;
        }
        ClientConnection.State s = lifecycle.state();
        if (s != ClientConnection.State.READY && s != ClientConnection.State.DRAINING) {
            unsent(call, lifecycle.notConnected(spec));
        } else if (connection.loop.inEventLoop() && batch.inBatch()) {
            ByteBuf frame = calls.register(call, ch); // sent from a response callback on this loop: no queue hop
            if (frame != null) {
                batch.write(ch, frame);
            }
        } else {
            queue.write(call); // registered as pending on the event loop, just before it is written
        }
    }

    /** An encoded call that will not be written: its frame goes, and it fails with {@code why}. */
    private void unsent(PendingCall call, RpcException why) {
        call.frame.release();
        call.frame = null;
        connection.calls.endedUnsent();
        call.completeExceptionally(why);
    }

    /**
     * A request over the frame limit, refused before sending: {@code BAD_REQUEST}, as a provider answers a request
     * over one of its limits, and never ran, so not retryable elsewhere (every provider would refuse it). The
     * provider's own limit may be set differently; ours is the one this client can check.
     */
    private RpcException tooLarge(CallSpec spec, int frameBytes, int maxFrameLength) {
        return new RpcException(Status.BAD_REQUEST, "request of " + spec.description() + " not sent to " + connection.address + ": it is "
                + frameBytes + " bytes encoded, over this client's limit of " + maxFrameLength
                + " bytes (rpc.max-frame-length as set on this client; the provider's setting may differ)", false);
    }

    /** Event loop: SPEC §2 CANCEL for a sent call this client no longer wants. */
    void cancel(int id) {
        RequestQueue w = queue;
        if (w != null && w.channel().isActive()) {
            w.write(FrameHeader.control(w.channel().alloc(), MessageType.CANCEL, id));
        }
    }

    /** Event loop: a frame made while reading (a PONG), written in the read batch so the channel's writability sees it at once. */
    void writeInBatch(Channel ch, ByteBuf frame) {
        batch.write(ch, frame);
    }

    /** Event loop: a new channel is active; a previous one may have died inside a read batch. */
    void channelActive() {
        batch.reset();
    }

    /** Event loop: a read batch began; until it completes, calls sent on this loop are written in it. */
    void readBatchStarted() {
        batch.batchStarted();
    }

    /** Event loop: the read batch is over; flushes what it wrote. */
    void readBatchComplete(Channel ch) {
        if (batch.batchComplete(ch)) {
            RequestQueue w = queue;
            if (w != null) {
                w.wroteDirectly();
            }
        }
    }

    /** Event loop: true if anything was written since the last time the heartbeat asked. */
    boolean wroteSinceLastAsked() {
        RequestQueue w = queue;
        return w != null && w.wroteSinceLastAsked();
    }

    /** The connection's write queue: a call becomes pending on the event loop just before its frame is written. */
    private final class RequestQueue extends WriteQueue {
        RequestQueue(Channel channel) {
            super(channel);
        }

        @Override
        protected ByteBuf toFrame(Object message) {
            return message instanceof PendingCall call ? connection.calls.register(call, channel()) : (ByteBuf) message;
        }

        @Override
        protected void dropped(Object message) {
            if (message instanceof PendingCall call) {
                unsent(call, connection.lifecycle.notConnected(call.spec));
            } else {
                ((ByteBuf) message).release();
            }
        }
    }
}
