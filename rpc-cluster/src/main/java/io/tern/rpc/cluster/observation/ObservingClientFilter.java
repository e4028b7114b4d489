package io.tern.rpc.cluster.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.tern.rpc.RemoteException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.Endpoint;
import io.tern.rpc.cluster.Invocation;
import io.tern.rpc.cluster.Invoker;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.internal.Attachments;

import java.util.concurrent.CompletableFuture;

/**
 * One {@code rpc.client} observation per logical call, opened before retries, backups and balancing: its context
 * writes the trace into the request's attachments once, and every attempt copies them, so all attempts carry the
 * same parent. Stopped on the I/O thread that completes the call; {@code next}'s future is returned as it is, so a
 * caller's cancel still reaches the call.
 */
final class ObservingClientFilter implements ClientFilter {
    private final ObservationRegistry registry;
    private final RpcClientObservationConvention convention;
    private final MethodKeys.Cache keys = new MethodKeys.Cache();

    ObservingClientFilter(ObservationRegistry registry, RpcClientObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        Invocation call = writable(invocation);
        RpcRequest request = call.request();
        RpcClientContext context = new RpcClientContext(call, keys.of(request.serviceKey(), request.methodName()));
        Observation observation = Observation.createNotStarted(convention, DefaultRpcClientObservationConvention.INSTANCE,
                () -> context, registry).start();
        CompletableFuture<RpcResponse> result;
        try {
            result = next.invoke(call);
        } catch (RuntimeException | Error e) {
            context.status(RpcCallStatus.ofFailure(e));
            stop(observation, context, e);
            throw e;
        }
        result.whenComplete((response, error) -> ended(observation, context, response, error));
        return result;
    }

    /** The invocation itself when its attachments can take the trace (the proxy makes them per call); else a copy. */
    private static Invocation writable(Invocation invocation) {
        RpcRequest r = invocation.request();
        if (r.attachments() instanceof Attachments) {
            return invocation;
        }
        return invocation.with(new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(),
                Attachments.copyOf(r.attachments())), invocation.deadlineNanos());
    }

    private static void ended(Observation observation, RpcClientContext context, RpcResponse response, Throwable error) {
        Throwable failure = Failures.unwrap(error);
        if (failure != null) {
            context.status(RpcCallStatus.ofFailure(failure));
        } else {
            context.status(RpcCallStatus.of(response.status()));
            failure = failureOf(response);
        }
        stop(observation, context, failure);
    }

    private static void stop(Observation observation, RpcClientContext context, Throwable failure) {
        Endpoint provider = context.getInvocation().answeredBy();
        if (provider != null) {
            context.provider(provider.address());
        }
        if (failure != null) {
            observation.error(failure);
        }
        observation.stop();
    }

    /** What the caller sees instead of a value, for an answer that is not OK (made only then); null for OK. */
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
}
