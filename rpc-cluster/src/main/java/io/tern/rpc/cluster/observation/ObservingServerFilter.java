package io.tern.rpc.cluster.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;

import java.util.concurrent.CompletionStage;

/**
 * One {@code rpc.server} observation around the rest of the provider's chain, its scope open on the thread that runs
 * the method, so the method's log lines carry the trace (a tracing handler puts {@code traceId} and {@code spanId} in
 * the MDC) and calls it makes onward are its children. An asynchronous method's observation stops when its future
 * completes.
 */
final class ObservingServerFilter implements ServerFilter {
    private final ObservationRegistry registry;
    private final RpcServerObservationConvention convention;
    private final MethodKeys.Cache keys = new MethodKeys.Cache();

    ObservingServerFilter(ObservationRegistry registry, RpcServerObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
        RpcServerContext context = new RpcServerContext(call, keys.of(call.serviceKey(), call.method().getName()));
        Observation observation = Observation.createNotStarted(convention, DefaultRpcServerObservationConvention.INSTANCE,
                () -> context, registry).start();
        Object result;
        try (Observation.Scope ignored = observation.openScope()) {
            result = next.invoke(call);
        } catch (Throwable t) {
            stop(observation, context, RpcCallStatus.of(Status.APPLICATION_ERROR), t);
            throw t;
        }
        Status refused = ServerInvocation.rejectedWith(result);
        if (refused != null) {
            stop(observation, context, RpcCallStatus.of(refused), new RpcStatusException(refused, "refused by a filter"));
        } else if (call.async() && result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> stop(observation, context,
                    RpcCallStatus.of(error == null ? Status.OK : Status.APPLICATION_ERROR), Failures.unwrap(error)));
        } else {
            stop(observation, context, RpcCallStatus.of(Status.OK), null);
        }
        return result;
    }

    private static void stop(Observation observation, RpcServerContext context, int status, Throwable failure) {
        context.status(status);
        if (failure != null) {
            observation.error(failure);
        }
        observation.stop();
    }
}
