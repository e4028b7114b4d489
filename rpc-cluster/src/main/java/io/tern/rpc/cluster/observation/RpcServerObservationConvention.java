package io.tern.rpc.cluster.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of a provider's {@code rpc.server} observations. Implement it (or extend
 * {@link DefaultRpcServerObservationConvention}) and pass it to {@link RpcObservations#server} to change them, or
 * register a {@code GlobalObservationConvention} for {@link RpcServerContext} with the registry.
 */
public interface RpcServerObservationConvention extends ObservationConvention<RpcServerContext> {
    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RpcServerContext;
    }
}
