package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.ServerInvoker;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The provider's dispatch table: service key to its exported methods, each with its filter chain built once at
 * export: cancellation check, deadline check, global filters (those found by {@link ServiceLoader} first, then those
 * added with {@link #addFilter}), the service's own filters, the method.
 */
public final class ExportTable {
    private final Map<String, Export> exports = new ConcurrentHashMap<>();
    private final List<ServerFilter> globalFilters = new CopyOnWriteArrayList<>();
    private final LongAdder cancelledBeforeRun;

    /** One exported service and the route of each of its methods. */
    private record Export(ExportedService service, Map<ServerMethods.ServerMethod, Route> routes) {
    }

    public ExportTable(ServerCounters counters) {
        this.cancelledBeforeRun = counters.cancelledBeforeRun;
        ServiceLoader.load(ServerFilter.class).forEach(globalFilters::add);
    }

    /** Applies to services exported from now on: routes already built keep their chains. */
    public void addFilter(ServerFilter filter) {
        globalFilters.add(Objects.requireNonNull(filter, "filter"));
    }

    public void export(ExportedService service) {
        Map<ServerMethods.ServerMethod, Route> routes = new IdentityHashMap<>();
        for (ServerMethods.ServerMethod method : service.methods().all()) {
            routes.put(method, new Route(service.serviceKey(), service, method, chain(service, method)));
        }
        Export previous = exports.putIfAbsent(service.serviceKey(), new Export(service, routes));
        if (previous != null) {
            throw new IllegalStateException("service key " + service.serviceKey() + " is already exported on this server");
        }
    }

    public void unexport(String serviceKey) {
        exports.remove(serviceKey);
    }

    /** Without user filters: cancel check -> deadline check -> method, three calls and nothing allocated per call. */
    private ServerInvoker chain(ExportedService service, ServerMethods.ServerMethod method) {
        List<ServerFilter> userFilters = new ArrayList<>(globalFilters);
        userFilters.addAll(service.filters());
        ServerInvoker filtered = ServerFilter.chain(userFilters, call -> method.invoke(call.arguments()));
        return new CancelCheck(cancelledBeforeRun, new DeadlineCheck(filtered));
    }

    /** The route for a method, refused with SERVICE_NOT_FOUND or METHOD_NOT_FOUND; {@code local} is this provider's address. */
    Route route(String serviceKey, String methodName, String[] descriptors, SocketAddress local) throws RequestRefused {
        Export export = exports.get(serviceKey);
        if (export == null) {
            throw new RequestRefused(Status.SERVICE_NOT_FOUND, "service " + serviceKey + " is not exported at " + FrameDecoder.peer(local)
                    + " (exported: " + String.join(", ", exports.keySet()) + ")");
        }
        ServerMethods.ServerMethod method = export.service().methods().find(methodName, descriptors);
        if (method == null) {
            throw new RequestRefused(Status.METHOD_NOT_FOUND, "service " + serviceKey + " has no method "
                    + methodName + "(" + String.join(", ", descriptors) + ")");
        }
        return export.routes().get(method);
    }

    /** Whether a cached route still leads to what is exported under its key. */
    boolean current(Route route) {
        Export export = exports.get(route.serviceKey());
        return export != null && export.service() == route.service();
    }
}
