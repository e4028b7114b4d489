package io.tern.rpc.cluster.observation;

import io.micrometer.common.KeyValues;

/**
 * {@code rpc.server}, named {@code service/method} as a span; low-cardinality {@code rpc.service} (the service key),
 * {@code rpc.method}, {@code rpc.status} (once the call has ended).
 */
public class DefaultRpcServerObservationConvention implements RpcServerObservationConvention {
    public static final DefaultRpcServerObservationConvention INSTANCE = new DefaultRpcServerObservationConvention();

    @Override
    public String getName() {
        return RpcObservations.SERVER_NAME;
    }

    @Override
    public String getContextualName(RpcServerContext context) {
        return context.keys.contextualName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RpcServerContext context) {
        return context.keys.lowCardinality(context.statusIndex);
    }
}
