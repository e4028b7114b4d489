package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
 * methods (parameter, return and declared exception types, transitively through fields and record components, and
 * the array classes that appear there), classes allowed explicitly, plus a fixed set of JDK value and collection
 * types. Nothing else is ever loaded or initialised because a peer named it. Lookups are by name and return the
 * already-loaded class, so a lookup never loads anything.
 *
 * <p>Each allowed class also gets its Kryo registration id here ({@link #hashId}), so that two allowed classes that
 * would share an id are refused when the second is allowed: it is the export or reference that fails, never a call.
 * Allowing is atomic: a type whose walk finds a collision allows nothing.
 */
public final class AllowList {
    /**
     * JDK types that carry plain values and are safe to instantiate from the wire. Kryo registers entry {@code i}
     * with the fixed id {@link #FIRST_FIXED_ID} + i (String and the eight boxes keep the ids 0-8 Kryo gives them
     * itself). Peers of every version must agree on these ids: this list may only ever be appended to.
     */
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

    /** Kryo id of {@code JDK_VALUE_TYPES.get(0)}; the fixed ids run up to, never into, {@link #FIRST_HASH_ID}. */
    static final int FIRST_FIXED_ID = 100;
    /** Lowest Kryo id derived from a class name. */
    static final int FIRST_HASH_ID = 1 << 16;
    /**
     * Name-derived ids keep 27 bits of the hash: Kryo writes an id (+ 2) as a varint, and every id below 2^28 takes
     * at most four bytes; 2^27 slots keep the chance of any collision among 1,000 allowed classes under 0.4%.
     */
    static final int HASH_ID_BITS = 27;

    /**
     * The Kryo registration id of an allowed class that is not a JDK value type: a stable hash of its binary name.
     *
     * <p>Why a hash of the name and not a position in an ordered list: both peers must give a class the same id,
     * but each builds its allow-list on its own, from the services it exports or references, in whatever order the
     * application starts them, and the two sides may run different versions. Positions would depend on that order,
     * and adding a type to an interface (or a field to a POJO) would shift every id after it, so a peer on the
     * previous version would silently read one class as another. A name hash depends on the name alone: the peers
     * agree without coordination, adding a type never moves another, and an id a peer does not know is refused,
     * never misread. {@link String#hashCode()} is specified by the Java SE API, so the ids are the same on every JVM
     * and release. The price is a possible collision, refused when the second class is allowed (at export or
     * reference time, naming both classes), never at call time.
     */
    static int hashId(String binaryName) {
        return FIRST_HASH_ID + (binaryName.hashCode() & ((1 << HASH_ID_BITS) - 1));
    }

    private final Map<String, Class<?>> byName = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: the allowed class of each name-derived id. */
    private final Map<Integer, Class<?>> byHashId = new HashMap<>();
    /** Guarded by {@link #lock}: types already walked. */
    private final Set<Type> walked = new HashSet<>();
    /**
     * Every class with a name-derived id, in the order they were allowed: append-only, republished whole on each
     * change. Its length is the allow-list's version: a Kryo instance that has registered fewer catches up.
     */
    private volatile Class<?>[] hashRegistered = new Class<?>[0];

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
        synchronized (lock) {
            TypeWalk walk = new TypeWalk(walked);
            for (Type t : method.getGenericParameterTypes()) {
                walk.visit(t);
            }
            walk.visit(method.getGenericReturnType());
            for (Class<?> e : method.getExceptionTypes()) {
                walk.visit(e);
            }
            commit(walk);
        }
    }

    /**
     * Allows {@code type} and everything reachable from it through type arguments, array components, fields and
     * record components. Throws {@link IllegalStateException} naming both classes when a class it reaches would
     * take the Kryo id of another allowed class; nothing is allowed then.
     */
    public void allow(Type type) {
        synchronized (lock) {
            TypeWalk walk = new TypeWalk(walked);
            walk.visit(type);
            commit(walk);
        }
    }

    /** Checks the ids of everything a walk found, then publishes it all at once. */
    private void commit(TypeWalk walk) {
        Map<Integer, Class<?>> newIds = new HashMap<>();
        List<Class<?>> added = new ArrayList<>();
        for (Class<?> c : walk.found.values()) {
            if (byName.get(c.getName()) == c) {
                continue;
            }
            Integer id = hashId(c.getName());
            Class<?> holder = newIds.containsKey(id) ? newIds.get(id) : byHashId.get(id);
            // the same name from another class loader (an application restarted in place) takes the id over
            if (holder != null && !holder.getName().equals(c.getName())) {
                throw new IllegalStateException("class " + c.getName() + " cannot be allowed: its Kryo id " + id
                        + " (a hash of its name) is already taken by " + holder.getName() + "; rename one of the two classes"
                        + " (both are reachable from exported or referenced method signatures, or were allowed explicitly)");
            }
            newIds.put(id, c);
            added.add(c);
        }
        for (Class<?> c : added) {
            byName.put(c.getName(), c);
        }
        byHashId.putAll(newIds);
        walked.addAll(walk.seen);
        if (!added.isEmpty()) {
            Class<?>[] grown = Arrays.copyOf(hashRegistered, hashRegistered.length + added.size());
            for (int i = 0; i < added.size(); i++) {
                grown[hashRegistered.length + i] = added.get(i);
            }
            hashRegistered = grown;
        }
    }

    /**
     * The classes with name-derived Kryo ids, oldest first. Append-only: a caller that has seen the first n may
     * register just the rest. The array is shared, never modified: callers must not write to it.
     */
    Class<?>[] hashRegistered() {
        return hashRegistered;
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
