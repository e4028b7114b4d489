package io.tern.rpc.cluster.observation;

import io.micrometer.observation.ObservationRegistry;
import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.transport.ServerFilter;

/**
 * Tern calls as Micrometer Observations (SPEC §4), without Spring: a consumer's calls as {@code rpc.client}, a
 * provider's as {@code rpc.server}, with low-cardinality keys {@code rpc.service}, {@code rpc.method} and
 * {@code rpc.status}. With Micrometer Tracing's propagating handlers on the registry, the trace travels in the
 * attachments under the W3C names ({@code traceparent}, {@code tracestate}, {@code baggage}).
 *
 * <p>Install the filters first on the client and the server, so they see what the other filters add:
 * <pre>{@code
 * RpcObservations.addTo(client, registry);   // before client.filter(...) of your own
 * RpcObservations.addTo(server, registry);
 * }</pre>
 * Needs {@code io.micrometer:micrometer-observation} on the class path (an optional dependency of rpc-cluster).
 */
public final class RpcObservations {
    public static final String CLIENT_NAME = "rpc.client";
    public static final String SERVER_NAME = "rpc.server";
    /** Low cardinality: the service key, {@code interface[:version][@group]}. */
    public static final String SERVICE = "rpc.service";
    /** Low cardinality: the method name. */
    public static final String METHOD = "rpc.method";
    /** Low cardinality: how the call ended (see {@link RpcCallStatus}). */
    public static final String STATUS = "rpc.status";
    /** High cardinality, client side: {@code host:port} of the provider that answered the call, when known. */
    public static final String PROVIDER = "rpc.provider";

    private RpcObservations() {
    }

    /** Whether observing through {@code registry} can record anything: false for null and {@link ObservationRegistry#NOOP}. */
    public static boolean observing(ObservationRegistry registry) {
        return registry != null && registry != ObservationRegistry.NOOP;
    }

    /** The consumer's filter: one {@code rpc.client} observation per call, named by {@code convention} if not null. */
    public static ClientFilter client(ObservationRegistry registry, RpcClientObservationConvention convention) {
        return new ObservingClientFilter(require(registry), convention);
    }

    public static ClientFilter client(ObservationRegistry registry) {
        return client(registry, null);
    }

    /** The provider's filter: one {@code rpc.server} observation per call served, named by {@code convention} if not null. */
    public static ServerFilter server(ObservationRegistry registry, RpcServerObservationConvention convention) {
        return new ObservingServerFilter(require(registry), convention);
    }

    public static ServerFilter server(ObservationRegistry registry) {
        return server(registry, null);
    }

    /** Adds the client filter to {@code client} when {@link #observing(ObservationRegistry)}; else nothing (no cost per call). */
    public static TernClient addTo(TernClient client, ObservationRegistry registry) {
        return observing(registry) ? client.filter(client(registry)) : client;
    }

    /** Adds the server filter to {@code server} when {@link #observing(ObservationRegistry)}; else nothing (no cost per call). */
    public static TernServer addTo(TernServer server, ObservationRegistry registry) {
        return observing(registry) ? server.filter(server(registry)) : server;
    }

    private static ObservationRegistry require(ObservationRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("an ObservationRegistry is required (ObservationRegistry.NOOP observes nothing)");
        }
        return registry;
    }
}
