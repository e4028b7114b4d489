package io.tern.rpc.cluster.observation;

import io.micrometer.common.KeyValues;

/**
 * {@code rpc.client}, named {@code service/method} as a span; low-cardinality {@code rpc.service} (the service key),
 * {@code rpc.method}, {@code rpc.status} (once the call has ended); high-cardinality {@code rpc.provider}
 * ({@code host:port} of the provider that answered) when the call went through the load balancer.
 */
public class DefaultRpcClientObservationConvention implements RpcClientObservationConvention {
    public static final DefaultRpcClientObservationConvention INSTANCE = new DefaultRpcClientObservationConvention();

    @Override
    public String getName() {
        return RpcObservations.CLIENT_NAME;
    }

    @Override
    public String getContextualName(RpcClientContext context) {
        return context.keys.contextualName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RpcClientContext context) {
        return context.keys.lowCardinality(context.statusIndex);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RpcClientContext context) {
        String provider = context.getProvider();
        return provider == null ? KeyValues.empty() : KeyValues.of(RpcObservations.PROVIDER, provider);
    }
}
