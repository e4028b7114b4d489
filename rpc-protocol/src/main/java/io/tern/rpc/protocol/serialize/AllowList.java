package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes a peer may name on the wire: every class reachable from the signatures of exported and referenced
 * methods (parameter, return and declared exception types, transitively through fields and record components),
 * plus a fixed set of JDK value and collection types. Nothing else is ever loaded or initialised because a peer
 * named it. Lookups are by name and return the already-loaded class, so a lookup never loads anything.
 */
public final class AllowList {
    /** JDK types that carry plain values and are safe to instantiate from the wire. */
    static final List<Class<?>> JDK_VALUE_TYPES = List.of(
            String.class, Boolean.class, Byte.class, Short.class, Character.class, Integer.class, Long.class,
            Float.class, Double.class, BigDecimal.class, BigInteger.class, UUID.class, Date.class,
            ArrayList.class, LinkedList.class, ArrayDeque.class, HashMap.class, LinkedHashMap.class, TreeMap.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class,
            java.time.Instant.class, java.time.LocalDate.class, java.time.LocalTime.class, java.time.LocalDateTime.class,
            java.time.OffsetDateTime.class, java.time.OffsetTime.class, java.time.ZonedDateTime.class,
            java.time.Duration.class, java.time.Period.class, java.time.Year.class, java.time.YearMonth.class,
            java.time.MonthDay.class, java.time.ZoneOffset.class, java.time.DayOfWeek.class, java.time.Month.class,
            java.time.ZoneId.of("Europe/Paris").getClass());

    private final Map<String, Class<?>> byName = new ConcurrentHashMap<>();
    private final Set<Type> walked = ConcurrentHashMap.newKeySet();

    public AllowList() {
        for (Class<?> c : JDK_VALUE_TYPES) {
            byName.put(c.getName(), c);
        }
    }

    /** The allowed class of that name, or null; never loads a class. Array names resolve through their component. */
    public Class<?> lookup(String name) {
        Class<?> c = byName.get(name);
        if (c != null || !name.startsWith("[")) {
            return c;
        }
        return arrayClass(name);
    }

    private Class<?> arrayClass(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        String component = name.substring(dims);
        Class<?> c;
        if (component.startsWith("L") && component.endsWith(";")) {
            c = byName.get(component.substring(1, component.length() - 1));
        } else {
            c = primitive(component);
        }
        if (c == null) {
            return null;
        }
        for (int i = 0; i < dims; i++) {
            c = c.arrayType();
        }
        return c;
    }

    private static Class<?> primitive(String code) {
        return switch (code) {
            case "Z" -> boolean.class;
            case "B" -> byte.class;
            case "S" -> short.class;
            case "C" -> char.class;
            case "I" -> int.class;
            case "J" -> long.class;
            case "F" -> float.class;
            case "D" -> double.class;
            default -> null;
        };
    }

    public boolean isAllowed(Class<?> c) {
        return lookup(c.getName()) == c;
    }

    /** Allows one class explicitly (for types a signature does not reveal, such as subclasses). */
    public void allowClass(Class<?> c) {
        allow(c);
    }

    /** Allows every class of a method's signature: parameters, return type and declared exceptions. */
    public void allowSignature(Method method) {
        for (Type t : method.getGenericParameterTypes()) {
            allow(t);
        }
        allow(method.getGenericReturnType());
        for (Class<?> e : method.getExceptionTypes()) {
            allow(e);
        }
    }

    /** Allows {@code type} and everything reachable from it through type arguments, fields and record components. */
    public void allow(Type type) {
        if (type == null || !walked.add(type)) {
            return;
        }
        if (type instanceof Class<?> c) {
            allowClassAndFields(c);
        } else if (type instanceof ParameterizedType p) {
            allow(p.getRawType());
            for (Type arg : p.getActualTypeArguments()) {
                allow(arg);
            }
        } else if (type instanceof GenericArrayType g) {
            allow(g.getGenericComponentType());
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                allow(b);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                allow(b);
            }
        }
    }

    private void allowClassAndFields(Class<?> c) {
        if (c.isPrimitive() || c == Object.class || c == void.class || c == Void.class) {
            return;
        }
        if (c.isArray()) {
            allow(c.getComponentType());
            return;
        }
        if (isJdk(c)) {
            if (c.isEnum() || Throwable.class.isAssignableFrom(c)) {
                byName.put(c.getName(), c);
            }
            return; // collection interfaces and value types: covered by JDK_VALUE_TYPES and type arguments
        }
        byName.put(c.getName(), c);
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                allow(rc.getGenericType());
            }
            return;
        }
        for (Class<?> k = c; k != null && k != Object.class && !isJdk(k); k = k.getSuperclass()) {
            if (k != c) {
                byName.put(k.getName(), k);
            }
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
                    allow(f.getGenericType());
                }
            }
        }
    }

    static boolean isJdk(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
    }

    /** A snapshot of the allowed class names, for diagnostics. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }
}
