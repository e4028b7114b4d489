package io.tern.rpc.spring;

import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.transport.ServerFilter;
import org.springframework.beans.factory.ObjectProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * What the application context adds to Tern's client and server, read when they are made: first the Micrometer
 * Observation filters (when the context has an {@code ObservationRegistry}), then an {@link RpcCallObserver} bean's
 * filter, then {@link ClientFilter} and {@link ServerFilter} beans (in {@code @Order}); and a {@link Registry} bean,
 * used instead of {@code rpc.registry.address} when there is one.
 */
final class RpcExtensions {
    static final RpcExtensions NONE = new RpcExtensions(null, null, null, null, null);

    private final ObjectProvider<RpcObservationLinks> observations;
    private final ObjectProvider<RpcCallObserver> observers;
    private final ObjectProvider<ClientFilter> clientFilters;
    private final ObjectProvider<ServerFilter> serverFilters;
    private final ObjectProvider<Registry> registries;

    RpcExtensions(ObjectProvider<RpcObservationLinks> observations, ObjectProvider<RpcCallObserver> observers,
                  ObjectProvider<ClientFilter> clientFilters, ObjectProvider<ServerFilter> serverFilters,
                  ObjectProvider<Registry> registries) {
        this.observations = observations;
        this.observers = observers;
        this.clientFilters = clientFilters;
        this.serverFilters = serverFilters;
        this.registries = registries;
    }

    /** The registry bean, or null: then the client or server makes its own from rpc.registry.*. */
    Registry registry() {
        return registries == null ? null : registries.getIfUnique();
    }

    /** The filters of the starter's client, in order: observations, the call observer, then the beans. */
    void addTo(TernClient client) {
        RpcObservationLinks links = links();
        ClientFilter observing = links == null ? null : links.client();
        if (observing != null) {
            client.filter(observing);
        }
        RpcCallObserver observer = observer();
        if (observer != null) {
            client.filter(ObservingFilters.client(observer));
        }
        beans(clientFilters).forEach(client::filter);
    }

    /** The filters of the starter's server, in order: observations, the call observer, then the beans. */
    void addTo(TernServer server) {
        RpcObservationLinks links = links();
        ServerFilter observing = links == null ? null : links.server();
        if (observing != null) {
            server.filter(observing);
        }
        RpcCallObserver observer = observer();
        if (observer != null) {
            server.filter(ObservingFilters.server(observer));
        }
        beans(serverFilters).forEach(server::filter);
    }

    private RpcObservationLinks links() {
        return observations == null ? null : observations.getIfAvailable();
    }

    private RpcCallObserver observer() {
        RpcCallObserver observer = observers == null ? null : observers.getIfAvailable();
        return observer != null && observer.enabled() ? observer : null;
    }

    private static <T> List<T> beans(ObjectProvider<T> provider) {
        List<T> all = new ArrayList<>();
        if (provider != null) {
            provider.orderedStream().forEach(all::add);
        }
        return all;
    }
}
