package io.tern.rpc.cluster.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of a consumer's {@code rpc.client} observations. Implement it (or extend
 * {@link DefaultRpcClientObservationConvention}) and pass it to {@link RpcObservations#client} to change them, or
 * register a {@code GlobalObservationConvention} for {@link RpcClientContext} with the registry.
 */
public interface RpcClientObservationConvention extends ObservationConvention<RpcClientContext> {
    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RpcClientContext;
    }
}
