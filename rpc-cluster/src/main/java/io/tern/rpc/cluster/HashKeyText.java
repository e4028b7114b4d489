package io.tern.rpc.cluster;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The text a consistent-hash key is hashed by: a function of the key's content only, the same in every process, so
 * equal keys reach the same provider from every consumer. Never object identity ({@code Object.toString()},
 * {@code identityHashCode}), which would send equal keys to random providers.
 *
 * <p>Strings, primitives, boxes and other numbers, enums (by name) and types that override {@code toString()} (UUID,
 * {@code java.time}, or a user class whose {@code toString()} lists its identifying fields) by that text; a
 * {@code Date} by its epoch milliseconds (its {@code toString()} depends on the time zone); arrays, lists and records
 * element by element; sets and maps in sorted order (two equal sets may iterate differently). For the common keys
 * (a string, a number, a UUID) the text is the one {@code toString()} gives, so their provider does not change.
 */
final class HashKeyText {
    /** Deeper nesting than this is taken for a cycle (a list that contains itself). */
    private static final int MAX_DEPTH = 32;

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

    private static final ClassValue<Method[]> RECORD_ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].trySetAccessible(); // a record nested in a non-public class: the serializers read it too
            }
            return accessors;
        }
    };

    private HashKeyText() {
    }

    /** Appends the key text of {@code value}; throws {@link IllegalArgumentException} for a value with no stable form. */
    static void append(StringBuilder sb, Object value) {
        append(sb, value, 0);
    }

    private static void append(StringBuilder sb, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels (a structure that contains itself?)");
        }
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence s) {
            sb.append(s);
        } else if (value instanceof Enum<?> e) {
            sb.append(e.name()); // Enum.hashCode is identity; a toString() override is for humans
        } else if (value instanceof Date d) {
            sb.append(d.getTime());
        } else if (value.getClass().isArray()) {
            appendArray(sb, value, depth);
        } else if (value instanceof List<?> list) {
            appendInOrder(sb, list, depth);
        } else if (value instanceof Set<?> set && !(set instanceof SortedSet)) {
            appendSorted(sb, set, '[', ']', depth);
        } else if (value instanceof Collection<?> c) {
            appendInOrder(sb, c, depth);
        } else if (value instanceof Map<?, ?> map) {
            appendMap(sb, map, depth);
        } else if (value instanceof Optional<?> o) {
            if (o.isPresent()) {
                append(sb.append("Optional["), o.get(), depth + 1);
                sb.append(']');
            } else {
                sb.append("Optional.empty");
            }
        } else if (value instanceof Record) {
            appendRecord(sb, value, depth);
        } else if (DECLARES_TO_STRING.get(value.getClass())) {
            sb.append(value); // the type's own text: Number, Boolean, Character, UUID, java.time, a user class
        } else {
            throw new IllegalArgumentException("a " + value.getClass().getName() + " has no stable form to hash (no toString() of its own;"
                    + " Object's is its identity)");
        }
    }

    private static void appendArray(StringBuilder sb, Object array, int depth) {
        if (array instanceof Object[] objects) {
            sb.append('[');
            for (int i = 0; i < objects.length; i++) {
                append(i == 0 ? sb : sb.append(", "), objects[i], depth + 1);
            }
            sb.append(']');
        } else if (array instanceof byte[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof int[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof long[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof char[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof short[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof boolean[] a) {
            sb.append(Arrays.toString(a));
        } else if (array instanceof double[] a) {
            sb.append(Arrays.toString(a));
        } else {
            sb.append(Arrays.toString((float[]) array));
        }
    }

    private static void appendInOrder(StringBuilder sb, Collection<?> c, int depth) {
        sb.append('[');
        boolean first = true;
        for (Object o : c) {
            append(first ? sb : sb.append(", "), o, depth + 1);
            first = false;
        }
        sb.append(']');
    }

    private static void appendSorted(StringBuilder sb, Collection<?> c, char open, char close, int depth) {
        List<String> texts = new ArrayList<>(c.size());
        for (Object o : c) {
            StringBuilder one = new StringBuilder();
            append(one, o, depth + 1);
            texts.add(one.toString());
        }
        texts.sort(null);
        sb.append(open).append(String.join(", ", texts)).append(close);
    }

    private static void appendMap(StringBuilder sb, Map<?, ?> map, int depth) {
        if (map instanceof SortedMap<?, ?>) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                append(first ? sb : sb.append(", "), e.getKey(), depth + 1);
                append(sb.append('='), e.getValue(), depth + 1);
                first = false;
            }
            sb.append('}');
            return;
        }
        List<String> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            StringBuilder one = new StringBuilder();
            append(one, e.getKey(), depth + 1);
            append(one.append('='), e.getValue(), depth + 1);
            entries.add(one.toString());
        }
        entries.sort(null);
        sb.append('{').append(String.join(", ", entries)).append('}');
    }

    private static void appendRecord(StringBuilder sb, Object record, int depth) {
        // component by component, as the default record toString() but with content-true arrays; a record's own
        // toString() may hide fields (secrets masked for logs) and would merge distinct keys
        Method[] accessors = RECORD_ACCESSORS.get(record.getClass());
        RecordComponent[] components = record.getClass().getRecordComponents();
        sb.append(record.getClass().getSimpleName()).append('[');
        for (int i = 0; i < accessors.length; i++) {
            Object v;
            try {
                v = accessors[i].invoke(record);
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot read component " + components[i].getName() + " of " + record.getClass().getName()
                        + ": " + e.getMessage(), e);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("component " + components[i].getName() + " of " + record.getClass().getName()
                        + " threw " + e.getCause(), e.getCause());
            }
            (i == 0 ? sb : sb.append(", ")).append(components[i].getName()).append('=');
            append(sb, v, depth + 1);
        }
        sb.append(']');
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
        if (!DECLARES_TO_STRING.get(c)) {
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
