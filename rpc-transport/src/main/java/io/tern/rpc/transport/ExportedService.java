package io.tern.rpc.transport;

import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One exported implementation and its dispatch table, built once at export: method name, then parameter
 * descriptors, to a {@link MethodHandle} bound to the implementation. No reflection lookup happens per call.
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
    private final Map<String, ServerMethod[]> methodsByName;
    private final List<ServerFilter> filters;

    private ExportedService(String serviceKey, Class<?> interfaceClass, ExecutionMode mode, Map<String, ServerMethod[]> methods,
                            List<ServerFilter> filters) {
        this.serviceKey = serviceKey;
        this.interfaceClass = interfaceClass;
        this.mode = mode;
        this.methodsByName = methods;
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
        Map<String, List<ServerMethod>> grouped = new HashMap<>();
        for (Method m : interfaceClass.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            MethodCodecs codecs = new MethodCodecs(m);
            boolean any = false;
            for (Serializer s : Serializers.all()) {
                any |= s != null && codecs.argCodecs(s) != null;
            }
            if (!any) {
                throw new IllegalArgumentException("cannot export " + interfaceClass.getName() + ": "
                        + codecs.unsupportedReason(Serializers.protostuff()) + "; and with kryo: " + codecs.unsupportedReason(Serializers.kryo()));
            }
            MethodHandle handle;
            try {
                m.setAccessible(true);
                handle = MethodHandles.lookup().unreflect(m).bindTo(implementation)
                        .asSpreader(Object[].class, m.getParameterCount())
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalArgumentException("cannot export " + codecs.describe() + ": " + e.getMessage(), e);
            }
            grouped.computeIfAbsent(m.getName(), k -> new java.util.ArrayList<>()).add(new ServerMethod(codecs, handle));
        }
        Map<String, ServerMethod[]> table = new HashMap<>();
        grouped.forEach((name, list) -> table.put(name, list.toArray(new ServerMethod[0])));
        return new ExportedService(ServiceKey.of(interfaceClass.getName(), version, group), interfaceClass, mode, Map.copyOf(table), List.of());
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
        return new ExportedService(serviceKey, interfaceClass, mode, methodsByName, List.copyOf(filters));
    }

    /** The service's own filters, in order. */
    public List<ServerFilter> filters() {
        return filters;
    }

    /** Every exported method. */
    List<ServerMethod> methods() {
        List<ServerMethod> all = new java.util.ArrayList<>();
        methodsByName.values().forEach(overloads -> all.addAll(Arrays.asList(overloads)));
        return all;
    }

    /** The method for a name and descriptors, or null. Descriptors are compared as strings: nothing is loaded. */
    ServerMethod find(String name, String[] descriptors) {
        ServerMethod[] candidates = methodsByName.get(name);
        if (candidates == null) {
            return null;
        }
        for (ServerMethod m : candidates) {
            if (Arrays.equals(m.codecs.descriptors(), descriptors)) {
                return m;
            }
        }
        return null;
    }

    /** An exported method: its codecs and the bound handle that invokes the implementation. */
    record ServerMethod(MethodCodecs codecs, MethodHandle handle) {
        Object invoke(Object[] args) throws Throwable {
            return handle.invokeExact(args);
        }
    }
}
