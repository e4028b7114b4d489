package io.tern.rpc.cluster;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which declared types have a stable form, the one {@link HashKeyText} renders: judged when a consistent-hash
 * reference is created, so a key parameter that could only be hashed by identity (an {@code Object}, an interface, a
 * class without its own {@code toString()}) is refused before the first call. Containers and records are judged by
 * their element and component types.
 */
final class HashKeyTypes {
    private static final ClassValue<Boolean> DECLARES_TO_STRING = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    Method m = c.getDeclaredMethod("toString");
                    if (!Modifier.isAbstract(m.getModifiers())) {
                        return true;
                    }
                } catch (NoSuchMethodException e) {
                    // not declared here: look further up
                }
            }
            return false;
        }
    };

    private HashKeyTypes() {
    }

    /** Whether {@code type} or a superclass below {@code Object} implements {@code toString()}: its text is its own. */
    static boolean declaresToString(Class<?> type) {
        return DECLARES_TO_STRING.get(type);
    }

    /**
     * Why values declared as {@code type} may have no stable form (null when every value has one): checked when a
     * reference is created, so a key hashed by identity is refused before the first call.
     */
    static String unstableReason(Type type) {
        return unstableReason(type, Map.of(), new HashSet<>());
    }

    private static String unstableReason(Type type, Map<TypeVariable<?>, Type> bindings, Set<Class<?>> visiting) {
        if (type instanceof Class<?> c) {
            return unstableReason(c, visiting);
        }
        if (type instanceof GenericArrayType g) {
            return within("its elements", unstableReason(g.getGenericComponentType(), bindings, visiting));
        }
        if (type instanceof WildcardType w) {
            Type[] upper = w.getUpperBounds();
            return unstableReason(upper.length == 0 ? Object.class : upper[0], bindings, visiting);
        }
        if (type instanceof TypeVariable<?> v) {
            Type bound = bindings.get(v);
            return unstableReason(bound != null ? bound : v.getBounds()[0], bindings, visiting);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (isContainer(raw)) {
                for (Type arg : args) {
                    String reason = unstableReason(arg, bindings, visiting);
                    if (reason != null) {
                        return within("its elements", reason);
                    }
                }
                return null;
            }
            if (raw.isRecord()) {
                Map<TypeVariable<?>, Type> inner = new HashMap<>(bindings);
                TypeVariable<?>[] vars = raw.getTypeParameters();
                for (int i = 0; i < vars.length && i < args.length; i++) {
                    inner.put(vars[i], args[i]);
                }
                return recordReason(raw, inner, visiting);
            }
            return unstableReason(raw, visiting);
        }
        return "its type " + type.getTypeName() + " is not one the hash key understands";
    }

    private static String unstableReason(Class<?> c, Set<Class<?>> visiting) {
        if (c.isPrimitive() || CharSequence.class.isAssignableFrom(c) || c.isEnum() || Enum.class.isAssignableFrom(c)
                || Date.class.isAssignableFrom(c)) {
            return null;
        }
        if (c.isArray()) {
            return within("its elements", unstableReason(c.getComponentType(), visiting));
        }
        if (c.isRecord()) {
            return recordReason(c, Map.of(), visiting);
        }
        if (isContainer(c)) {
            return c.getName() + " without element types (declare it as " + c.getSimpleName() + "<...> with concrete types)";
        }
        if (c == Object.class) {
            return "Object says nothing of the values it will hold";
        }
        if (c == Number.class) {
            return null; // Integer, Long, BigDecimal...: each has its own toString()
        }
        if (c.isInterface()) {
            return c.getName() + " is an interface: the values' classes, and whether they have a stable form, are unknown";
        }
        if (!declaresToString(c)) {
            return c.getName() + " does not override toString(), so only its identity is left to hash";
        }
        return null;
    }

    private static String recordReason(Class<?> record, Map<TypeVariable<?>, Type> bindings, Set<Class<?>> visiting) {
        if (!visiting.add(record)) {
            return null; // a recursive record: its other components decide
        }
        try {
            for (RecordComponent rc : record.getRecordComponents()) {
                String reason = unstableReason(rc.getGenericType(), bindings, visiting);
                if (reason != null) {
                    return "its component " + record.getSimpleName() + "." + rc.getName() + ": " + reason;
                }
            }
            return null;
        } finally {
            visiting.remove(record);
        }
    }

    private static boolean isContainer(Class<?> c) {
        return Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c) || c == Optional.class;
    }

    private static String within(String where, String reason) {
        return reason == null ? null : where + ": " + reason;
    }
}
