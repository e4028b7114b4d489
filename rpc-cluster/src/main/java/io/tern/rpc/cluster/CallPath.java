package io.tern.rpc.cluster;

import io.tern.rpc.transport.internal.ClientConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Where a reference's call path is assembled, in one place. Each link is one class:
 * <pre>
 * proxy (ProxyHandler: a Java call becomes an Invocation with the reference's timeout)
 *   -> DeadlineFilter      the time a request being served has left; fails a call whose time is gone
 *   -> user filters        ServiceLoader-discovered, then the client's, then the reference's
 *   -> AuthTokenFilter     rpc.security.token, when set
 *   -> AwaitProviders      a first call waits for the registry's first list
 *   -> FaultTolerance      failover / failfast, backup requests, retry budget, per-attempt deadlines
 *   -> Balancing           the load balancer's pick, outcome recorded on the provider
 *   -> Endpoint.send       the provider's multiplexed connection (ConnectionInvoker on the one-address path)
 * </pre>
 * A reference made to one address ({@link Reference#create(io.tern.rpc.transport.TransportClient)}) has no registry: its
 * path is deadline, user filters, token, connection.
 */
final class CallPath {
    private CallPath() {
    }

    /** The path of a reference over a directory of providers. */
    static Invoker cluster(Directory directory, List<ClientFilter> clientFilters, List<ClientFilter> referenceFilters,
                           String authToken, FaultTolerance faultTolerance, LoadBalancer balancer) {
        List<ClientFilter> links = head(clientFilters, referenceFilters, authToken);
        links.add(new AwaitProviders(directory));
        links.add(faultTolerance);
        return ClientFilter.chain(links, new Balancing(directory, balancer));
    }

    /** The path of a reference to one provider address. */
    static Invoker direct(ClientConnection connection, List<ClientFilter> clientFilters, List<ClientFilter> referenceFilters, String authToken) {
        return ClientFilter.chain(head(clientFilters, referenceFilters, authToken), new ConnectionInvoker(connection));
    }

    private static List<ClientFilter> head(List<ClientFilter> clientFilters, List<ClientFilter> referenceFilters, String authToken) {
        List<ClientFilter> links = new ArrayList<>(Discovered.FILTERS.size() + clientFilters.size() + referenceFilters.size() + 5);
        links.add(DeadlineFilter.SYSTEM);
        links.addAll(Discovered.FILTERS);
        links.addAll(clientFilters);
        links.addAll(referenceFilters);
        if (authToken != null) {
            links.add(new AuthTokenFilter(authToken));
        }
        return links;
    }

    /** Client filters registered with {@link ServiceLoader} (META-INF/services/io.tern.rpc.cluster.ClientFilter), loaded once. */
    private static final class Discovered {
        static final List<ClientFilter> FILTERS = load();

        private static List<ClientFilter> load() {
            List<ClientFilter> found = new ArrayList<>();
            ServiceLoader.load(ClientFilter.class, CallPath.class.getClassLoader()).forEach(found::add);
            return List.copyOf(found);
        }
    }
}
