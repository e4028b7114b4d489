package io.tern.rpc.transport;

import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.transport.internal.ServerMethods;

import java.util.List;
import java.util.Objects;

/**
 * One exported implementation and its dispatch table ({@link ServerMethods}), built once at export: no reflection
 * lookup happens per call.
 * Its own {@link ServerFilter}s ({@link #withFilters}) run after the server's global ones, around each of its methods.
 */
public final class ExportedService {
    /** Where a service's methods run. */
    public enum ExecutionMode {
        /** On the server's bounded business executor (the default: methods may block). */
        EXECUTOR,
        /** On the I/O thread that decoded the request: only for methods that never block. */
        DIRECT
    }

    private final String serviceKey;
    private final Class<?> interfaceClass;
    private final ExecutionMode mode;
    private final ServerMethods methods;
    private final List<ServerFilter> filters;

    private ExportedService(String serviceKey, Class<?> interfaceClass, ExecutionMode mode, ServerMethods methods,
                            List<ServerFilter> filters) {
        this.serviceKey = serviceKey;
        this.interfaceClass = interfaceClass;
        this.mode = mode;
        this.methods = methods;
        this.filters = filters;
    }

    public static <T> ExportedService of(Class<T> interfaceClass, T implementation, String version, String group, ExecutionMode mode) {
        Objects.requireNonNull(interfaceClass, "interfaceClass");
        Objects.requireNonNull(implementation, "implementation");
        if (!interfaceClass.isInterface()) {
            throw new IllegalArgumentException(interfaceClass.getName() + " is not an interface: export an interface and its implementation");
        }
        if (!interfaceClass.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement " + interfaceClass.getName());
        }
        return new ExportedService(ServiceKey.of(interfaceClass.getName(), version, group), interfaceClass, mode,
                ServerMethods.of(interfaceClass, implementation), List.of());
    }

    public String serviceKey() {
        return serviceKey;
    }

    public Class<?> interfaceClass() {
        return interfaceClass;
    }

    public ExecutionMode mode() {
        return mode;
    }

    /**
     * This service with {@code filters} (in order) around each of its methods, after the server's global filters.
     * They take effect when the returned service is exported.
     */
    public ExportedService withFilters(List<? extends ServerFilter> filters) {
        return new ExportedService(serviceKey, interfaceClass, mode, methods, List.copyOf(filters));
    }

    /** The service's own filters, in order. */
    public List<ServerFilter> filters() {
        return filters;
    }

    /** Internal use: this service's dispatch table, for the server that exports it. */
    public ServerMethods methods() {
        return methods;
    }
}
