package io.tern.rpc.spring;

import io.micrometer.observation.ObservationRegistry;
import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.observation.RpcClientObservationConvention;
import io.tern.rpc.cluster.observation.RpcObservations;
import io.tern.rpc.cluster.observation.RpcServerObservationConvention;
import io.tern.rpc.transport.ServerFilter;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Calls as Micrometer Observations ({@code rpc.client}, {@code rpc.server}) over the context's
 * {@link ObservationRegistry}, looked up when the client or server is made (after Boot has given the registry its
 * handlers: metrics, tracing). No registry, or {@link ObservationRegistry#NOOP}: no filter, so no cost per call.
 * {@link RpcClientObservationConvention} and {@link RpcServerObservationConvention} beans replace the default names
 * and key values.
 */
final class MicrometerObservationLinks implements RpcObservationLinks {
    private final ObjectProvider<ObservationRegistry> registries;
    private final ObjectProvider<RpcClientObservationConvention> clientConventions;
    private final ObjectProvider<RpcServerObservationConvention> serverConventions;

    MicrometerObservationLinks(ObjectProvider<ObservationRegistry> registries,
                               ObjectProvider<RpcClientObservationConvention> clientConventions,
                               ObjectProvider<RpcServerObservationConvention> serverConventions) {
        this.registries = registries;
        this.clientConventions = clientConventions;
        this.serverConventions = serverConventions;
    }

    @Override
    public ClientFilter client() {
        ObservationRegistry registry = registries.getIfUnique();
        return RpcObservations.observing(registry) ? RpcObservations.client(registry, clientConventions.getIfUnique()) : null;
    }

    @Override
    public ServerFilter server() {
        ObservationRegistry registry = registries.getIfUnique();
        return RpcObservations.observing(registry) ? RpcObservations.server(registry, serverConventions.getIfUnique()) : null;
    }
}
