package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.tern.rpc.RpcContext;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.transport.ServerInvocation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One admitted call, the context its method and filters see: decodes a large request's arguments, runs the
 * route's chain (cancel check, deadline check, filters, method) with itself as the {@link RpcContext}, and answers
 * with the result, the exception, or the rejection.
 */
final class ProviderCall extends RpcContext implements ServerInvocation, Runnable {
    private final int id;
    private final Serializer serializer;
    private final Route route;
    private final Channel channel;
    private final CancelledIds cancelled;
    private final CallAdmission admission;
    private final ResponseWriter writer;
    private Object[] args;
    /** Arguments still to decode on the thread that runs the call; null once decoded or for a small request. */
    private LargeBody large;

    ProviderCall(int id, Serializer serializer, Route route, Map<String, String> attachments, long receivedNanos, long deadlineMillis,
                 Channel channel, CancelledIds cancelled, CallAdmission admission, ResponseWriter writer) {
        super(attachments, receivedNanos + Math.max(deadlineMillis, 0) * 1_000_000L, deadlineMillis >= 0);
        this.id = id;
        this.serializer = serializer;
        this.route = route;
        this.channel = channel;
        this.cancelled = cancelled;
        this.admission = admission;
        this.writer = writer;
    }

    void arguments(Object[] decoded) {
        this.args = decoded;
    }

    void largeBody(LargeBody body) {
        this.large = body;
    }

    /** Never to run (refused, or the executor shut down with this call queued): let go of what it holds. */
    void discard() {
        if (large != null) {
            large.release();
        }
    }

    @Override
    public void run() {
        LargeBody body = large;
        if (body != null) {
            large = null;
            try {
                if (!isCancelled() && !(hasDeadline() && remainingNanos() < 0)) {
                    args = body.decode(); // else the chain's first links answer without the arguments
                }
            } catch (CorruptBodyException e) {
                finish(RpcResponse.status(Status.BAD_REQUEST, "request body could not be decoded: " + e.getMessage()));
                return;
            } finally {
                body.release();
            }
        }
        RpcContext previous = RpcContext.enter(this);
        Object result;
        try {
            result = route.chain().invoke(this);
        } catch (Throwable t) {
            finish(RpcResponse.error(t));
            return;
        } finally {
            RpcContext.restore(previous);
        }
        if (result instanceof Rejection rejection) {
            if (rejection == Rejection.NOT_ANSWERED) {
                admission.callEnded();
            } else {
                finish(RpcResponse.status(rejection.status, rejection.message));
            }
            return;
        }
        if (async()) {
            answerLater(result);
            return;
        }
        finish(RpcResponse.ok(result));
    }

    private void answerLater(Object result) {
        if (result == null) {
            finish(RpcResponse.error(new NullPointerException(route.method().codecs().describe() + " returned null instead of a CompletableFuture")));
            return;
        }
        if (!(result instanceof CompletionStage<?> stage)) { // a filter returned something else for an async method
            finish(RpcResponse.error(new IllegalStateException(route.method().codecs().describe() + " is async, but its filter chain returned a "
                    + result.getClass().getName() + " instead of a CompletableFuture")));
            return;
        }
        if (result instanceof CompletableFuture<?> done && done.isDone() && !done.isCompletedExceptionally()) {
            finish(RpcResponse.ok(done.getNow(null))); // already complete: no callback to allocate
            return;
        }
        stage.whenComplete((value, error) -> finish(error == null ? RpcResponse.ok(value)
                : RpcResponse.error(io.tern.rpc.protocol.Failures.unwrap(error))));
    }

    private void finish(RpcResponse response) {
        try {
            writer.reply(id, serializer, response, route.method().codecs().resultCodec(serializer));
        } finally {
            admission.callEnded();
        }
    }

    @Override
    public String serviceKey() {
        return route.serviceKey();
    }

    @Override
    public Method method() {
        return route.method().codecs().method();
    }

    @Override
    public Object[] arguments() {
        return args;
    }

    @Override
    public boolean async() {
        return route.method().codecs().async();
    }

    @Override
    public String peer() {
        return FrameDecoder.peer(channel.remoteAddress());
    }

    @Override
    public boolean isCancelled() {
        return cancelled.contains(id);
    }

    @Override
    public Object reject(Status status, String message) {
        return Rejection.of(status, message);
    }
}
