package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Type-directed codecs for the values Protostuff cannot take as a top-level message: scalars, enums, arrays,
 * collections, maps, records and {@code java.time} values. POJOs go to {@link ProtostuffSerializer#pojoCodec}.
 * Every value starts with a presence byte (0 = null) except primitives.
 */
final class TypedCodecs {
    private static final Map<Class<?>, ValueCodec> SCALARS = new HashMap<>();

    static {
        scalar(String.class, (o, v) -> Varints.writeString(o, (String) v), Varints::readString);
        scalar(Boolean.class, (o, v) -> o.writeBoolean((Boolean) v), ByteBuf::readBoolean);
        scalar(Byte.class, (o, v) -> o.writeByte((Byte) v), ByteBuf::readByte);
        scalar(Short.class, (o, v) -> o.writeShort((Short) v), ByteBuf::readShort);
        scalar(Character.class, (o, v) -> o.writeChar((Character) v), ByteBuf::readChar);
        scalar(Integer.class, (o, v) -> Varints.writeVarint(o, zigzag((Integer) v)), i -> unzigzag(Varints.readVarint(i)));
        scalar(Long.class, (o, v) -> Varints.writeVarlong(o, zigzag((Long) v)), i -> unzigzag(Varints.readVarlong(i)));
        scalar(Float.class, (o, v) -> o.writeFloat((Float) v), ByteBuf::readFloat);
        scalar(Double.class, (o, v) -> o.writeDouble((Double) v), ByteBuf::readDouble);
        scalar(byte[].class, (o, v) -> {
            byte[] b = (byte[]) v;
            Varints.writeVarint(o, b.length);
            o.writeBytes(b);
        }, i -> {
            byte[] b = new byte[Varints.readElementCount(i, "byte[]")];
            i.readBytes(b);
            return b;
        });
        scalar(BigDecimal.class, (o, v) -> Varints.writeString(o, ((BigDecimal) v).toString()),
                i -> Numbers.parseDecimal(readNumberText(i, Numbers.MAX_DECIMAL_TEXT, "BigDecimal"), "BigDecimal"));
        scalar(BigInteger.class, (o, v) -> Varints.writeString(o, v.toString()),
                i -> Numbers.parseInteger(readNumberText(i, Numbers.MAX_INTEGER_TEXT, "BigInteger"), "BigInteger"));
        scalar(Date.class, (o, v) -> o.writeLong(((Date) v).getTime()), i -> new Date(i.readLong()));
        scalar(UUID.class, (o, v) -> {
            o.writeLong(((UUID) v).getMostSignificantBits());
            o.writeLong(((UUID) v).getLeastSignificantBits());
        }, i -> new UUID(i.readLong(), i.readLong()));
        scalar(Instant.class, (o, v) -> {
            o.writeLong(((Instant) v).getEpochSecond());
            o.writeInt(((Instant) v).getNano());
        }, i -> Instant.ofEpochSecond(i.readLong(), i.readInt()));
        scalar(Duration.class, (o, v) -> {
            o.writeLong(((Duration) v).getSeconds());
            o.writeInt(((Duration) v).getNano());
        }, i -> Duration.ofSeconds(i.readLong(), i.readInt()));
        scalar(LocalDate.class, (o, v) -> o.writeLong(((LocalDate) v).toEpochDay()), i -> LocalDate.ofEpochDay(i.readLong()));
        scalar(LocalTime.class, (o, v) -> o.writeLong(((LocalTime) v).toNanoOfDay()), i -> LocalTime.ofNanoOfDay(i.readLong()));
        scalar(LocalDateTime.class, (o, v) -> {
            o.writeLong(((LocalDateTime) v).toLocalDate().toEpochDay());
            o.writeLong(((LocalDateTime) v).toLocalTime().toNanoOfDay());
        }, i -> LocalDateTime.of(LocalDate.ofEpochDay(i.readLong()), LocalTime.ofNanoOfDay(i.readLong())));
        textual(OffsetDateTime.class, OffsetDateTime::parse);
        textual(OffsetTime.class, OffsetTime::parse);
        textual(ZonedDateTime.class, ZonedDateTime::parse);
        textual(Period.class, Period::parse);
        textual(Year.class, Year::parse);
        textual(YearMonth.class, YearMonth::parse);
        textual(MonthDay.class, MonthDay::parse);
        textual(ZoneOffset.class, ZoneOffset::of);
        textual(ZoneId.class, ZoneId::of);
    }

    private final ProtostuffSerializer protostuff;
    /** Records whose codec is being built on this thread: a record type that contains itself cannot be carried. */
    private static final ThreadLocal<java.util.Set<Class<?>>> RECORDS_BEING_BUILT = ThreadLocal.withInitial(java.util.HashSet::new);

    TypedCodecs(ProtostuffSerializer protostuff) {
        this.protostuff = protostuff;
    }

    /** Value types carried by this class's own encoding; inside POJOs they travel as Protostuff delegates. */
    static boolean isDelegateValue(Class<?> c) {
        return SCALARS.containsKey(c) && !ProtostuffSerializer.isProtostuffScalar(c) || ZoneId.class.isAssignableFrom(c);
    }

    static boolean isSupportedContainer(Class<?> c) {
        return collectionFactory(c) != null || mapFactory(c) != null;
    }

    ValueCodec codecFor(Type type, String where) {
        Class<?> raw = Types.raw(type);
        if (raw == void.class || raw == Void.class) {
            return NullCodec.INSTANCE;
        }
        if (raw.isPrimitive()) {
            ValueCodec boxed = SCALARS.get(Types.box(raw));
            return new ValueCodec() {
                @Override
                public void write(ByteBuf out, Object value) throws Exception {
                    boxed.write(out, value);
                }

                @Override
                public Object read(ByteBuf in) throws Exception {
                    return boxed.read(in);
                }
            };
        }
        ValueCodec inner = nonNullCodecFor(type, raw, where);
        return new Nullable(inner);
    }

    private ValueCodec nonNullCodecFor(Type type, Class<?> raw, String where) {
        ValueCodec scalar = SCALARS.get(raw);
        if (scalar != null) {
            return scalar;
        }
        if (ZoneId.class.isAssignableFrom(raw)) {
            return SCALARS.get(ZoneId.class);
        }
        if (raw.isEnum()) {
            return new EnumCodec(raw);
        }
        if (raw.isArray()) {
            Class<?> component = raw.getComponentType();
            if (component.isPrimitive()) {
                return new PrimitiveArrayCodec(component, "array " + where);
            }
            Type genericComponent = type instanceof java.lang.reflect.GenericArrayType g ? g.getGenericComponentType() : component;
            return new ArrayCodec(component, codecFor(genericComponent, where + "[]"), "array " + where);
        }
        if (raw.isRecord()) {
            java.util.Set<Class<?>> building = RECORDS_BEING_BUILT.get();
            if (!building.add(raw)) {
                throw ProtostuffSerializer.unsupported(where, raw, "is a record that contains itself; declare a class for recursive data");
            }
            try {
                return new RecordCodec(raw, this, where);
            } finally {
                building.remove(raw);
            }
        }
        if (Map.class.isAssignableFrom(raw)) {
            IntFunction<Map<Object, Object>> factory = mapFactory(raw);
            if (factory == null) {
                throw ProtostuffSerializer.unsupported(where, raw, "is not a java.util map type that can be rebuilt; declare Map, HashMap, LinkedHashMap or TreeMap");
            }
            return new MapCodec(factory, codecFor(Types.argument(type, 0), where + "<key>"), codecFor(Types.argument(type, 1), where + "<value>"),
                    "map " + where);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            IntFunction<Collection<Object>> factory = collectionFactory(raw);
            if (factory == null) {
                throw ProtostuffSerializer.unsupported(where, raw, "is not a java.util collection type that can be rebuilt; declare List, Set or a java.util implementation");
            }
            return new CollectionCodec(factory, codecFor(Types.argument(type, 0), where + "<element>"), "collection " + where);
        }
        if (raw == Object.class || raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || AllowList.isJdk(raw)) {
            throw ProtostuffSerializer.unsupported(where, raw, "is polymorphic or a JDK internal type; protostuff would have to load a class named by the peer."
                    + " Declare a concrete class, or use rpc.serialization=kryo");
        }
        return protostuff.pojoCodec(raw, where);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static IntFunction<Collection<Object>> collectionFactory(Class<?> c) {
        if (c == Collection.class || c == List.class || c == ArrayList.class || c == Iterable.class) {
            return ArrayList::new;
        }
        if (c == Set.class || c == LinkedHashSet.class) {
            return LinkedHashSet::new;
        }
        if (c == HashSet.class) {
            return HashSet::new;
        }
        if (c == SortedSet.class || c == TreeSet.class || c == java.util.NavigableSet.class) {
            return n -> new TreeSet<>();
        }
        if (c == LinkedList.class) {
            return n -> new LinkedList<>();
        }
        if (c == Queue.class || c == java.util.Deque.class || c == ArrayDeque.class) {
            return ArrayDeque::new;
        }
        return null;
    }

    static IntFunction<Map<Object, Object>> mapFactory(Class<?> c) {
        if (c == Map.class || c == HashMap.class) {
            return HashMap::new;
        }
        if (c == LinkedHashMap.class) {
            return LinkedHashMap::new;
        }
        if (c == SortedMap.class || c == TreeMap.class || c == java.util.NavigableMap.class) {
            return n -> new TreeMap<>();
        }
        return null;
    }

    private interface Writer {
        void write(ByteBuf out, Object value) throws Exception;
    }

    private interface Reader {
        Object read(ByteBuf in) throws Exception;
    }

    private static void scalar(Class<?> type, Writer writer, Reader reader) {
        SCALARS.put(type, new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) throws Exception {
                writer.write(out, value);
            }

            @Override
            public Object read(ByteBuf in) throws Exception {
                return reader.read(in);
            }
        });
    }

    private static void textual(Class<?> type, java.util.function.Function<String, Object> parse) {
        scalar(type, (o, v) -> Varints.writeString(o, v.toString()), i -> parse.apply(Varints.readString(i)));
    }

    /** The text of a number, refused by its length before the String is made; its digits are checked by {@link Numbers}. */
    private static String readNumberText(ByteBuf in, int maxLength, String what) {
        long announced = Varints.readAnnouncedLength(in);
        if (announced < 0) {
            throw new CorruptBodyException(what + " without text");
        }
        Numbers.checkTextLength(announced, maxLength, what);
        int len = Varints.checkLeft(in, announced);
        String text = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return text;
    }

    private static int zigzag(int v) {
        return (v << 1) ^ (v >> 31);
    }

    private static int unzigzag(int v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
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

    private record ArrayCodec(Class<?> component, ValueCodec element, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            Object[] array = (Object[]) value;
            Varints.writeVarint(out, array.length);
            for (Object o : array) {
                element.write(out, o);
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Object[] array = (Object[]) Array.newInstance(component, n);
            for (int i = 0; i < n; i++) {
                array[i] = element.read(in);
            }
            return array;
        }
    }

    /** Arrays of a primitive type, element by element in the encoding of its boxed scalar, without boxing. */
    private record PrimitiveArrayCodec(Class<?> component, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) {
            int n = Array.getLength(value);
            Varints.writeVarint(out, n);
            if (value instanceof int[] a) {
                for (int v : a) {
                    Varints.writeVarint(out, zigzag(v));
                }
            } else if (value instanceof long[] a) {
                for (long v : a) {
                    Varints.writeVarlong(out, zigzag(v));
                }
            } else if (value instanceof double[] a) {
                for (double v : a) {
                    out.writeDouble(v);
                }
            } else if (value instanceof float[] a) {
                for (float v : a) {
                    out.writeFloat(v);
                }
            } else if (value instanceof boolean[] a) {
                for (boolean v : a) {
                    out.writeBoolean(v);
                }
            } else if (value instanceof short[] a) {
                for (short v : a) {
                    out.writeShort(v);
                }
            } else {
                for (char v : (char[]) value) {
                    out.writeChar(v);
                }
            }
        }

        @Override
        public Object read(ByteBuf in) {
            int n = Varints.readElementCount(in, what);
            if (component == int.class) {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = unzigzag(Varints.readVarint(in));
                }
                return a;
            }
            if (component == long.class) {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = unzigzag(Varints.readVarlong(in));
                }
                return a;
            }
            if (component == double.class) {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readDouble();
                }
                return a;
            }
            if (component == float.class) {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readFloat();
                }
                return a;
            }
            if (component == boolean.class) {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readBoolean();
                }
                return a;
            }
            if (component == short.class) {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readShort();
                }
                return a;
            }
            char[] a = new char[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readChar();
            }
            return a;
        }
    }

    private record CollectionCodec(IntFunction<Collection<Object>> factory, ValueCodec element, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            Collection<?> c = (Collection<?>) value;
            Varints.writeVarint(out, c.size());
            for (Object o : c) {
                element.write(out, o);
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Collection<Object> c = factory.apply(n);
            for (int i = 0; i < n; i++) {
                c.add(element.read(in));
            }
            return c;
        }
    }

    private record MapCodec(IntFunction<Map<Object, Object>> factory, ValueCodec key, ValueCodec value, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object v) throws Exception {
            Map<?, ?> m = (Map<?, ?>) v;
            Varints.writeVarint(out, m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                key.write(out, e.getKey());
                value.write(out, e.getValue());
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Map<Object, Object> m = factory.apply(n);
            for (int i = 0; i < n; i++) {
                m.put(key.read(in), value.read(in));
            }
            return m;
        }
    }

    private static final class RecordCodec implements ValueCodec {
        private final MethodHandle[] accessors;
        private final ValueCodec[] codecs;
        private final MethodHandle constructor;
        private final Class<?> type;

        RecordCodec(Class<?> type, TypedCodecs codecs, String where) {
            this.type = type;
            RecordComponent[] components = type.getRecordComponents();
            this.accessors = new MethodHandle[components.length];
            this.codecs = new ValueCodec[components.length];
            Class<?>[] types = new Class<?>[components.length];
            try {
                for (int i = 0; i < components.length; i++) {
                    RecordComponent rc = components[i];
                    java.lang.reflect.Method accessor = rc.getAccessor();
                    accessor.setAccessible(true);
                    accessors[i] = MethodHandles.lookup().unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
                    this.codecs[i] = codecs.codecFor(rc.getGenericType(), where + " > " + type.getSimpleName() + "." + rc.getName());
                    types[i] = rc.getType();
                }
                java.lang.reflect.Constructor<?> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                this.constructor = MethodHandles.lookup().unreflectConstructor(ctor).asSpreader(Object[].class, components.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("cannot carry record " + type.getName() + " at " + where + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            for (int i = 0; i < accessors.length; i++) {
                try {
                    codecs[i].write(out, accessors[i].invokeExact(value));
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            Object[] args = new Object[codecs.length];
            DecodeBudget.descend(type.getName());
            try {
                for (int i = 0; i < codecs.length; i++) {
                    args[i] = codecs[i].read(in);
                }
            } finally {
                DecodeBudget.ascend();
            }
            try {
                return constructor.invokeExact(args);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
