package io.tern.rpc.transport;

import io.tern.rpc.protocol.FrameDecoder;
import io.tern.rpc.protocol.Status;

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
final class ExportTable {
    private final Map<String, Export> exports = new ConcurrentHashMap<>();
    private final List<ServerFilter> globalFilters = new CopyOnWriteArrayList<>();
    private final LongAdder cancelledBeforeRun;

    /** One exported service and the route of each of its methods. */
    private record Export(ExportedService service, Map<ExportedService.ServerMethod, Route> routes) {
    }

    ExportTable(ServerCounters counters) {
        this.cancelledBeforeRun = counters.cancelledBeforeRun;
        ServiceLoader.load(ServerFilter.class).forEach(globalFilters::add);
    }

    /** Applies to services exported from now on: routes already built keep their chains. */
    void addFilter(ServerFilter filter) {
        globalFilters.add(Objects.requireNonNull(filter, "filter"));
    }

    void export(ExportedService service) {
        Map<ExportedService.ServerMethod, Route> routes = new IdentityHashMap<>();
        for (ExportedService.ServerMethod method : service.methods()) {
            routes.put(method, new Route(service.serviceKey(), service, method, chain(service, method)));
        }
        Export previous = exports.putIfAbsent(service.serviceKey(), new Export(service, routes));
        if (previous != null) {
            throw new IllegalStateException("service key " + service.serviceKey() + " is already exported on this server");
        }
    }

    void unexport(String serviceKey) {
        exports.remove(serviceKey);
    }

    /** Without user filters: cancel check -> deadline check -> method, three calls and nothing allocated per call. */
    private ServerInvoker chain(ExportedService service, ExportedService.ServerMethod method) {
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
        ExportedService.ServerMethod method = export.service().find(methodName, descriptors);
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
