package io.tern.rpc.spring;

import io.tern.rpc.RemoteException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.ServerInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics links: a client filter and a server filter that report each call to an {@link RpcCallObserver}, with
 * its duration and outcome. They are the first user filters of the starter's client and server, so they time what the
 * other filters add.
 */
final class ObservingFilters {
    private static final Logger log = LoggerFactory.getLogger(ObservingFilters.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private ObservingFilters() {
    }

    static ClientFilter client(RpcCallObserver observer) {
        return (invocation, next) -> {
            long start = System.nanoTime();
            return next.invoke(invocation).whenComplete((response, error) -> observe(observer, RpcCallObserver.Side.CLIENT,
                    invocation.request().serviceKey(), invocation.request().methodName(), start,
                    error != null ? Failures.unwrap(error) : failureOf(response)));
        };
    }

    static ServerFilter server(RpcCallObserver observer) {
        return (call, next) -> {
            long start = System.nanoTime();
            Object result;
            try {
                result = next.invoke(call);
            } catch (Throwable t) {
                observe(observer, RpcCallObserver.Side.SERVER, call.serviceKey(), call.method().getName(), start, t);
                throw t;
            }
            Status refused = ServerInvocation.rejectedWith(result);
            if (refused != null) {
                observe(observer, RpcCallObserver.Side.SERVER, call.serviceKey(), call.method().getName(), start,
                        new RpcStatusException(refused, "refused by a filter"));
            } else if (call.async() && result instanceof CompletionStage<?> stage) {
                stage.whenComplete((value, error) -> observe(observer, RpcCallObserver.Side.SERVER, call.serviceKey(),
                        call.method().getName(), start, Failures.unwrap(error)));
            } else {
                observe(observer, RpcCallObserver.Side.SERVER, call.serviceKey(), call.method().getName(), start, null);
            }
            return result;
        };
    }

    /** What the caller will see instead of a value, for an answer that is not OK; null for OK. */
    private static Throwable failureOf(RpcResponse response) {
        if (response.status() == Status.OK) {
            return null;
        }
        if (response.status() == Status.APPLICATION_ERROR && !response.errors().isEmpty()) {
            RpcResponse.RemoteError top = response.errors().get(0);
            return new RemoteException(top.className(), top.message(), null);
        }
        return new RpcStatusException(response.status(), response.message());
    }

    private static void observe(RpcCallObserver observer, RpcCallObserver.Side side, String serviceKey, String method, long start, Throwable error) {
        try {
            observer.onCall(side, serviceKey, method, System.nanoTime() - start, error);
        } catch (RuntimeException e) {
            // an observer's failure must never change the call's outcome; said at most once a minute
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                log.warn("RpcCallObserver {} failed on a {} call of {}.{}: {}", observer.getClass().getName(), side, serviceKey, method, e.toString(), e);
            }
        }
    }
}
