package io.tern.rpc.cluster;

import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ExportedService;

import java.util.Objects;

/** What to export: an interface, its implementation, and how it is published (version, group, weight, mode). */
public final class ServiceExport<T> {
    private final Class<T> interfaceClass;
    private final T implementation;
    private String version = "";
    private String group = "";
    private int weight = ProviderInfo.DEFAULT_WEIGHT;
    private String serialization = "protostuff";
    private ExportedService.ExecutionMode mode = ExportedService.ExecutionMode.EXECUTOR;
    private final java.util.List<io.tern.rpc.transport.ServerFilter> filters = new java.util.ArrayList<>();

    private ServiceExport(Class<T> interfaceClass, T implementation) {
        this.interfaceClass = Objects.requireNonNull(interfaceClass, "interfaceClass");
        this.implementation = Objects.requireNonNull(implementation, "implementation");
    }

    public static <T> ServiceExport<T> of(Class<T> interfaceClass, T implementation) {
        return new ServiceExport<>(interfaceClass, implementation);
    }

    public ServiceExport<T> version(String v) {
        this.version = v == null ? "" : v;
        return this;
    }

    public ServiceExport<T> group(String g) {
        this.group = g == null ? "" : g;
        return this;
    }

    public ServiceExport<T> weight(int w) {
        if (w < 0) {
            throw new IllegalArgumentException("weight must be >= 0, was " + w);
        }
        this.weight = w;
        return this;
    }

    /** The serialization advertised in the registry; the provider must decode it (rpc.server.serializations). */
    public ServiceExport<T> serialization(String s) {
        this.serialization = s;
        return this;
    }

    public ServiceExport<T> mode(ExportedService.ExecutionMode m) {
        this.mode = Objects.requireNonNull(m, "mode");
        return this;
    }

    /**
     * Adds a filter around this service's methods, after the server's own filters (see
     * {@link io.tern.rpc.transport.ServerFilter}); filters run in the order they are added.
     */
    public ServiceExport<T> filter(io.tern.rpc.transport.ServerFilter filter) {
        filters.add(Objects.requireNonNull(filter, "filter"));
        return this;
    }

    public String serviceKey() {
        return ServiceKey.of(interfaceClass.getName(), version, group);
    }

    String version() {
        return version;
    }

    String group() {
        return group;
    }

    int weight() {
        return weight;
    }

    String serialization() {
        return serialization;
    }

    ExportedService toExportedService() {
        return ExportedService.of(interfaceClass, implementation, version, group, mode).withFilters(filters);
    }
}
