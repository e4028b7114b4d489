package io.tern.rpc.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
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
 * Whether a declared type has such a form is judged by {@link HashKeyTypes}.
 */
final class HashKeyText {
    /** Deeper nesting than this is taken for a cycle (a list that contains itself). */
    private static final int MAX_DEPTH = 32;

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
        } else if (HashKeyTypes.declaresToString(value.getClass())) {
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
}
