package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.protostuff.ByteArrayInput;
import io.protostuff.ProtobufException;
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
 * Protostuff codec (codec byte 1, the default). Values are written against their declared type: top-level values
 * through {@link TypedCodecs}, POJOs through Protostuff runtime schemas. Protostuff only reads a class name from
 * the wire for polymorphic fields (declared {@code Object}, abstract, interface, or nested collections), so such
 * fields are refused when a service is exported or referenced: with this codec no class name is ever read.
 *
 * <p>Decoding stays within the body's {@link DecodeBudget}: every message is read through a
 * {@link BoundedProtostuffInput}, arrays inside POJOs travel as bytes fields read by the budgeted {@link TypedCodecs}
 * array codecs (protostuff-runtime's own array encoding allocates at the announced length), and BigDecimal and
 * BigInteger fields keep protostuff's encoding but are checked against the digit and scale caps before parsing.
 */
public final class ProtostuffSerializer implements Serializer {
    public static final byte ID = 1;

    private final AllowList allowList;
    private final DefaultIdStrategy strategy = new DefaultIdStrategy(
            (DefaultIdStrategy.DEFAULT_FLAGS | DefaultIdStrategy.PRESERVE_NULL_ELEMENTS)
                    & ~DefaultIdStrategy.AUTO_LOAD_POLYMORPHIC_CLASSES, null, 0);
    private final TypedCodecs typed = new TypedCodecs(this);
    private final Map<Class<?>, Boolean> checked = new ConcurrentHashMap<>();
    private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    public ProtostuffSerializer(AllowList allowList) {
        this.allowList = allowList;
        strategy.registerDelegate(new DecimalDelegate());
        strategy.registerDelegate(new BigIntegerDelegate());
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public String name() {
        return "protostuff";
    }

    @Override
    public ValueCodec codecFor(Type declaredType) {
        allowList.allow(declaredType);
        return typed.codecFor(declaredType, declaredType.getTypeName());
    }

    /** A length-prefixed Protostuff message codec for a POJO class, after checking its fields are all static types. */
    ValueCodec pojoCodec(Class<?> pojo, String where) {
        checkPojo(pojo, where);
        @SuppressWarnings("unchecked")
        Schema<Object> schema = (Schema<Object>) RuntimeSchema.getSchema(pojo, strategy);
        return new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) throws Exception {
                // the message goes straight into the frame behind a 2-byte length, filled in once the size is known
                int lengthAt = out.writerIndex();
                out.writeShort(0);
                Scratch st = scratch.get().take();
                try {
                    schema.writeTo(st.output.use(out), value);
                } finally {
                    st.release();
                }
                writeLength(out, lengthAt, out.writerIndex() - lengthAt - 2);
            }

            @Override
            public Object read(ByteBuf in) {
                int size = Varints.readCount(in);
                Object message = schema.newMessage();
                Scratch st = scratch.get().take();
                try {
                    BoundedProtostuffInput input;
                    if (in.hasArray()) {
                        byte[] array = in.array();
                        input = st.bounded.use(new ByteArrayInput(array, in.arrayOffset() + in.readerIndex(), size, true), array);
                    } else {
                        // measured: copying a small body out of a direct buffer and decoding the array beats Protostuff's
                        // ByteBufferInput (per-byte ByteBuffer reads); the array and its reader are reused per thread
                        input = st.load(in, size);
                    }
                    schema.mergeFrom(input, message);
                    input.checkLastTagWas(0);
                } catch (CorruptBodyException e) {
                    throw e;
                } catch (java.io.IOException | RuntimeException e) {
                    throw new CorruptBodyException("protostuff could not decode a " + pojo.getName() + ": " + e, e);
                } finally {
                    st.release();
                }
                in.skipBytes(size);
                return message;
            }
        };
    }

    /**
     * Fills in the length prefix reserved before a message: a 2-byte varint (for sizes under 128 a non-minimal
     * one, which every varint reader decodes), or, rarely, a longer one with the message moved behind it.
     */
    static void writeLength(ByteBuf out, int lengthAt, int size) {
        if (size < 1 << 14) {
            out.setShort(lengthAt, ((size & 0x7F) | 0x80) << 8 | (size >>> 7));
            return;
        }
        byte[] message = ByteBufUtil.getBytes(out, lengthAt + 2, size);
        out.writerIndex(lengthAt);
        Varints.writeVarint(out, size);
        out.writeBytes(message);
    }

    /**
     * Per-thread encoding and decoding state, reused call after call: the output that writes into the frame, a byte
     * array with its reader for decoding out of direct buffers, and the length-checking input every decode reads
     * through. A nested use on the same thread (a delegate value inside a POJO) gets a fresh one.
     */
    private static final class Scratch {
        private static final int KEEP_BYTES = 64 * 1024; // larger bodies get a one-off array
        final ByteBufProtostuffOutput output = new ByteBufProtostuffOutput();
        final BoundedProtostuffInput bounded = new BoundedProtostuffInput();
        private byte[] bytes = new byte[512];
        private ByteArrayInput input = new ByteArrayInput(bytes, 0, 0, true);
        private boolean inUse;

        Scratch take() {
            if (inUse) {
                return new Scratch().take();
            }
            inUse = true;
            return this;
        }

        /** Copies {@code size} bytes at the reader index of {@code in} and returns a reader over them. */
        BoundedProtostuffInput load(ByteBuf in, int size) {
            if (size > KEEP_BYTES) {
                byte[] copy = ByteBufUtil.getBytes(in, in.readerIndex(), size, false);
                return bounded.use(new ByteArrayInput(copy, 0, size, true), copy);
            }
            if (size > bytes.length) {
                bytes = new byte[Math.max(size, Math.min(KEEP_BYTES, bytes.length * 2))];
                input = new ByteArrayInput(bytes, 0, 0, true);
            }
            in.getBytes(in.readerIndex(), bytes, 0, size);
            return bounded.use(input.reset(0, size), bytes);
        }

        void release() {
            output.release();
            bounded.clear();
            inUse = false;
        }
    }

    /**
     * Refuses POJO fields Protostuff would treat polymorphically, and registers delegates for the value types it
     * cannot read reflectively on modern JDKs (java.time, records, UUID) and for arrays, all before the schema is
     * built: protostuff-runtime consults registered delegates before its own array and inline-value handling.
     */
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
            throw unsupported(where, raw, "is polymorphic or a JDK internal type; protostuff would have to load a class named by the peer."
                    + " Declare a concrete class, or use rpc.serialization=kryo");
        }
        checkPojo(raw, where);
    }

    private void registerDelegate(Class<?> raw, Type type, String where) {
        if (strategy.isDelegateRegistered(raw)) {
            return;
        }
        ValueCodec codec = typed.codecFor(type, where);
        strategy.registerDelegate(new BytesDelegate<>(raw, codec));
    }

    static boolean isProtostuffScalar(Class<?> c) {
        return c == String.class || c == Integer.class || c == Long.class || c == Boolean.class || c == Double.class
                || c == Float.class || c == Short.class || c == Byte.class || c == Character.class || c == BigDecimal.class
                || c == BigInteger.class || c == Date.class || c == byte[].class;
    }

    static IllegalArgumentException unsupported(String where, Class<?> type, String why) {
        return new IllegalArgumentException("protostuff cannot carry " + where + ": " + type.getName() + " " + why);
    }

    /** A BigDecimal inside a POJO, in protostuff's own encoding (its text), with digits and scale checked before parsing. */
    private static final class DecimalDelegate implements io.protostuff.runtime.Delegate<BigDecimal> {
        private static final String WHAT = "BigDecimal field";

        @Override
        public io.protostuff.WireFormat.FieldType getFieldType() {
            return io.protostuff.WireFormat.FieldType.STRING;
        }

        @Override
        public BigDecimal readFrom(io.protostuff.Input input) throws java.io.IOException {
            if (input instanceof BoundedProtostuffInput bounded) {
                Numbers.checkTextLength(bounded.nextLength(), Numbers.MAX_DECIMAL_TEXT, WHAT);
            }
            return Numbers.parseDecimal(input.readString(), WHAT);
        }

        @Override
        public void writeTo(io.protostuff.Output output, int number, BigDecimal value, boolean repeated) throws java.io.IOException {
            output.writeString(number, value.toString(), repeated);
        }

        @Override
        public void transfer(io.protostuff.Pipe pipe, io.protostuff.Input input, io.protostuff.Output output, int number,
                             boolean repeated) throws java.io.IOException {
            input.transferByteRangeTo(output, true, number, repeated);
        }

        @Override
        public Class<?> typeClass() {
            return BigDecimal.class;
        }
    }

    /** A BigInteger inside a POJO, in protostuff's own encoding (two's-complement bytes), with their number checked first. */
    private static final class BigIntegerDelegate implements io.protostuff.runtime.Delegate<BigInteger> {
        private static final String WHAT = "BigInteger field";

        @Override
        public io.protostuff.WireFormat.FieldType getFieldType() {
            return io.protostuff.WireFormat.FieldType.BYTES;
        }

        @Override
        public BigInteger readFrom(io.protostuff.Input input) throws java.io.IOException {
            if (input instanceof BoundedProtostuffInput bounded) {
                Numbers.checkByteLength(bounded.nextLength(), WHAT);
            }
            return Numbers.fromBytes(input.readByteArray(), WHAT);
        }

        @Override
        public void writeTo(io.protostuff.Output output, int number, BigInteger value, boolean repeated) throws java.io.IOException {
            output.writeByteArray(number, value.toByteArray(), repeated);
        }

        @Override
        public void transfer(io.protostuff.Pipe pipe, io.protostuff.Input input, io.protostuff.Output output, int number,
                             boolean repeated) throws java.io.IOException {
            input.transferByteRangeTo(output, false, number, repeated);
        }

        @Override
        public Class<?> typeClass() {
            return BigInteger.class;
        }
    }

    /** Carries a value type inside a Protostuff message as a bytes field encoded by {@link TypedCodecs}. */
    private static final class BytesDelegate<T> implements io.protostuff.runtime.Delegate<T> {
        private final Class<?> type;
        private final ValueCodec codec;

        BytesDelegate(Class<?> type, ValueCodec codec) {
            this.type = type;
            this.codec = codec;
        }

        @Override
        public io.protostuff.WireFormat.FieldType getFieldType() {
            return io.protostuff.WireFormat.FieldType.BYTES;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T readFrom(io.protostuff.Input input) throws java.io.IOException {
            ByteBuf buf = Unpooled.wrappedBuffer(input.readByteArray());
            try {
                return (T) codec.read(buf);
            } catch (CorruptBodyException e) {
                throw e;
            } catch (Exception e) {
                throw new ProtobufException("cannot decode a " + type.getName() + ": " + e.getMessage());
            }
        }

        @Override
        public void writeTo(io.protostuff.Output output, int number, T value, boolean repeated) throws java.io.IOException {
            ByteBuf buf = Unpooled.buffer(32);
            try {
                codec.write(buf, value);
                output.writeByteArray(number, ByteBufUtil.getBytes(buf), repeated);
            } catch (java.io.IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException(e);
            } finally {
                buf.release();
            }
        }

        @Override
        public void transfer(io.protostuff.Pipe pipe, io.protostuff.Input input, io.protostuff.Output output, int number,
                             boolean repeated) throws java.io.IOException {
            input.transferByteRangeTo(output, false, number, repeated);
        }

        @Override
        public Class<?> typeClass() {
            return type;
        }
    }

    /** For tests: the schema the POJO codec of {@code pojo} writes with. */
    @SuppressWarnings("unchecked")
    Schema<Object> schemaFor(Class<?> pojo) {
        checkPojo(pojo, pojo.getName());
        return (Schema<Object>) RuntimeSchema.getSchema(pojo, strategy);
    }

    Set<Class<?>> checkedPojos() {
        return checked.keySet();
    }
}
