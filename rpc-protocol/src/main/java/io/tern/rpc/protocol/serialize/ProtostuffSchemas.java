package io.tern.rpc.protocol.serialize;

import io.protostuff.Schema;
import io.protostuff.runtime.DefaultIdStrategy;
import io.protostuff.runtime.RuntimeSchema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Protostuff runtime schemas of one serializer, and what a POJO may hold to get one: fields Protostuff would
 * treat polymorphically are refused, and delegates are registered for the value types it cannot read reflectively
 * on modern JDKs (java.time, records, UUID) and for arrays, all before the schema is built: protostuff-runtime
 * consults registered delegates before its own array and inline-value handling.
 */
final class ProtostuffSchemas {
    /** Why a polymorphic type is refused: the peer would name its class. */
    static final String POLYMORPHIC = "is polymorphic or a JDK internal type; protostuff would have to load a class named by the peer."
            + " Declare a concrete class, or use rpc.serialization=kryo";

    private final DefaultIdStrategy strategy = new DefaultIdStrategy(
            (DefaultIdStrategy.DEFAULT_FLAGS | DefaultIdStrategy.PRESERVE_NULL_ELEMENTS)
                    & ~DefaultIdStrategy.AUTO_LOAD_POLYMORPHIC_CLASSES, null, 0);
    private final TypedCodecs typed;
    private final Map<Class<?>, Boolean> checked = new ConcurrentHashMap<>();

    ProtostuffSchemas(TypedCodecs typed) {
        this.typed = typed;
        strategy.registerDelegate(new ProtostuffDelegates.DecimalDelegate());
        strategy.registerDelegate(new ProtostuffDelegates.BigIntegerDelegate());
    }

    /** The schema of a POJO class, after checking its fields are all static types; {@code where} names it in errors. */
    @SuppressWarnings("unchecked")
    Schema<Object> schema(Class<?> pojo, String where) {
        checkPojo(pojo, where);
        return (Schema<Object>) RuntimeSchema.getSchema(pojo, strategy);
    }

    /** The POJO classes checked so far. */
    Set<Class<?>> checkedPojos() {
        return checked.keySet();
    }

    private void checkPojo(Class<?> pojo, String where) {
        if (checked.containsKey(pojo)) {
            return;
        }
        if (pojo.isInterface() || Modifier.isAbstract(pojo.getModifiers())) {
            throw unsupported(where, pojo, "is abstract; declare a concrete class");
        }
        checked.put(pojo, Boolean.TRUE); // mark first: cyclic types are checked once
        try {
            for (Class<?> k = pojo; k != null && k != Object.class; k = k.getSuperclass()) {
                if (AllowList.isJdk(k)) {
                    throw unsupported(where, pojo, "extends JDK class " + k.getName() + ", which protostuff cannot read reflectively");
                }
                for (Field f : k.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
                        continue;
                    }
                    checkField(f.getGenericType(), where + " > " + k.getSimpleName() + "." + f.getName(), false);
                }
            }
        } catch (RuntimeException e) {
            checked.remove(pojo); // refused types stay refused: the next check must fail again
            throw e;
        }
    }

    private void checkField(Type type, String where, boolean inCollection) {
        Class<?> raw = Types.raw(type);
        if (raw.isPrimitive() || isProtostuffScalar(raw) || raw.isEnum()) {
            return;
        }
        if (TypedCodecs.isDelegateValue(raw) || raw.isRecord()) {
            registerDelegate(raw, type, where);
            return;
        }
        if (raw.isArray()) {
            if (inCollection) {
                throw unsupported(where, raw, "is an array inside a collection; wrap it in a class");
            }
            Class<?> component = raw.getComponentType();
            if (component.isPrimitive() || isProtostuffScalar(component) || component.isEnum()) {
                // protostuff-runtime allocates an array at the length the wire announces; ours spends the body budget first
                registerDelegate(raw, raw, raw.getTypeName() + " field");
                return;
            }
            throw unsupported(where, raw, "is an array of objects inside a class; use a List instead");
        }
        if (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
            if (inCollection) {
                throw unsupported(where, raw, "is a collection nested in a collection field; wrap the inner one in a class");
            }
            if (!TypedCodecs.isSupportedContainer(raw)) {
                throw unsupported(where, raw, "is not a java.util collection or map type protostuff can rebuild");
            }
            if (Map.class.isAssignableFrom(raw)) {
                checkField(Types.argument(type, 0), where + "<key>", true);
                checkField(Types.argument(type, 1), where + "<value>", true);
            } else {
                checkField(Types.argument(type, 0), where + "<element>", true);
            }
            return;
        }
        if (raw == Object.class || raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || Throwable.class.isAssignableFrom(raw)
                || AllowList.isJdk(raw)) {
            throw unsupported(where, raw, POLYMORPHIC);
        }
        checkPojo(raw, where);
    }

    private void registerDelegate(Class<?> raw, Type type, String where) {
        if (strategy.isDelegateRegistered(raw)) {
            return;
        }
        ValueCodec codec = typed.codecFor(type, where);
        strategy.registerDelegate(new ProtostuffDelegates.BytesDelegate<>(raw, codec));
    }

    static boolean isProtostuffScalar(Class<?> c) {
        return c == String.class || c == Integer.class || c == Long.class || c == Boolean.class || c == Double.class
                || c == Float.class || c == Short.class || c == Byte.class || c == Character.class || c == BigDecimal.class
                || c == BigInteger.class || c == Date.class || c == byte[].class;
    }

    static IllegalArgumentException unsupported(String where, Class<?> type, String why) {
        return new IllegalArgumentException("protostuff cannot carry " + where + ": " + type.getName() + " " + why);
    }
}
