package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Type-directed codecs for the values Protostuff cannot take as a top-level message: picks, per declared type, the
 * codec of a scalar ({@link ScalarCodecs}), enum, array ({@link PrimitiveArrayCodec}, {@link ContainerCodecs}),
 * collection, map or record ({@link RecordCodec}); POJOs go to {@link ProtostuffSerializer#pojoCodec}.
 * Every value starts with a presence byte (0 = null) except primitives.
 */
final class TypedCodecs {
    private final ProtostuffSerializer protostuff;
    /** Records whose codec is being built on this thread: a record type that contains itself cannot be carried. */
    private static final ThreadLocal<Set<Class<?>>> RECORDS_BEING_BUILT = ThreadLocal.withInitial(HashSet::new);

    TypedCodecs(ProtostuffSerializer protostuff) {
        this.protostuff = protostuff;
    }

    /** Value types carried by this class's own encoding; inside POJOs they travel as Protostuff delegates. */
    static boolean isDelegateValue(Class<?> c) {
        return ScalarCodecs.of(c) != null && !ProtostuffSchemas.isProtostuffScalar(c);
    }

    static boolean isSupportedContainer(Class<?> c) {
        return ContainerCodecs.collectionFactory(c) != null || ContainerCodecs.mapFactory(c) != null;
    }

    ValueCodec codecFor(Type type, String where) {
        Class<?> raw = Types.raw(type);
        if (raw == void.class || raw == Void.class) {
            return NullCodec.INSTANCE;
        }
        if (raw.isPrimitive()) {
            return ScalarCodecs.of(Types.box(raw)); // never null: no presence byte
        }
        ValueCodec inner = nonNullCodecFor(type, raw, where);
        return new Nullable(inner);
    }

    private ValueCodec nonNullCodecFor(Type type, Class<?> raw, String where) {
        ValueCodec scalar = ScalarCodecs.of(raw);
        if (scalar != null) {
            return scalar;
        }
        if (raw.isEnum()) {
            return new EnumCodec(raw);
        }
        if (raw.isArray()) {
            Class<?> component = raw.getComponentType();
            if (component.isPrimitive()) {
                return new PrimitiveArrayCodec(component, "array " + where);
            }
            Type genericComponent = type instanceof GenericArrayType g ? g.getGenericComponentType() : component;
            return new ContainerCodecs.ArrayCodec(component, codecFor(genericComponent, where + "[]"), "array " + where);
        }
        if (raw.isRecord()) {
            Set<Class<?>> building = RECORDS_BEING_BUILT.get();
            if (!building.add(raw)) {
                throw ProtostuffSchemas.unsupported(where, raw, "is a record that contains itself; declare a class for recursive data");
            }
            try {
                return new RecordCodec(raw, this, where);
            } finally {
                building.remove(raw);
            }
        }
        if (Map.class.isAssignableFrom(raw)) {
            IntFunction<Map<Object, Object>> factory = ContainerCodecs.mapFactory(raw);
            if (factory == null) {
                throw ProtostuffSchemas.unsupported(where, raw, "is not a java.util map type that can be rebuilt; declare Map, HashMap, LinkedHashMap or TreeMap");
            }
            return new ContainerCodecs.MapCodec(factory, codecFor(Types.argument(type, 0), where + "<key>"), codecFor(Types.argument(type, 1), where + "<value>"),
                    "map " + where);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            IntFunction<Collection<Object>> factory = ContainerCodecs.collectionFactory(raw);
            if (factory == null) {
                throw ProtostuffSchemas.unsupported(where, raw, "is not a java.util collection type that can be rebuilt; declare List, Set or a java.util implementation");
            }
            return new ContainerCodecs.CollectionCodec(factory, codecFor(Types.argument(type, 0), where + "<element>"), "collection " + where);
        }
        if (raw == Object.class || raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || AllowList.isJdk(raw)) {
            throw ProtostuffSchemas.unsupported(where, raw, ProtostuffSchemas.POLYMORPHIC);
        }
        return protostuff.pojoCodec(raw, where);
    }

    private enum NullCodec implements ValueCodec {
        INSTANCE;

        @Override
        public void write(ByteBuf out, Object value) {
        }

        @Override
        public Object read(ByteBuf in) {
            return null;
        }
    }

    private record Nullable(ValueCodec inner) implements ValueCodec {
        @Override
        public int sizeHint() {
            return 1 + inner.sizeHint();
        }

        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            if (value == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                inner.write(out, value);
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            byte present = in.readByte();
            if (present == 0) {
                return null;
            }
            if (present != 1) {
                throw new CorruptBodyException("bad presence byte " + present);
            }
            return inner.read(in);
        }
    }

    private static final class EnumCodec implements ValueCodec {
        private final Object[] constants;
        private final Class<?> type;

        EnumCodec(Class<?> type) {
            this.type = type;
            this.constants = type.getEnumConstants();
        }

        @Override
        public void write(ByteBuf out, Object value) {
            Varints.writeVarint(out, ((Enum<?>) value).ordinal());
        }

        @Override
        public Object read(ByteBuf in) {
            int ordinal = Varints.readVarint(in);
            if (ordinal < 0 || ordinal >= constants.length) {
                throw new CorruptBodyException("enum " + type.getName() + " has no constant with ordinal " + ordinal);
            }
            return constants[ordinal];
        }
    }
}
