package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported service's dispatch table, built once at export: method name, then parameter descriptors, to a
 * {@link MethodHandle} bound to the implementation. No reflection lookup happens per call.
 */
public final class ServerMethods {
    private final Map<String, ServerMethod[]> methodsByName;

    private ServerMethods(Map<String, ServerMethod[]> methodsByName) {
        this.methodsByName = methodsByName;
    }

    /** The table of {@code interfaceClass}'s methods bound to {@code implementation}, which must implement it. */
    public static ServerMethods of(Class<?> interfaceClass, Object implementation) {
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
            grouped.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(new ServerMethod(codecs, handle));
        }
        Map<String, ServerMethod[]> table = new HashMap<>();
        grouped.forEach((name, list) -> table.put(name, list.toArray(new ServerMethod[0])));
        return new ServerMethods(Map.copyOf(table));
    }

    /** Every exported method. */
    List<ServerMethod> all() {
        List<ServerMethod> all = new ArrayList<>();
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
