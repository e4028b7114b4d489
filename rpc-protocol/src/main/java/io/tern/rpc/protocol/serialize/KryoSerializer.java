package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kryo codec (codec byte 2), with class registration required: no class name is ever written or read. A class
 * travels as its registration id: the JDK value types have fixed ids, every other class on the {@link AllowList}
 * an id derived from its name ({@link AllowList#hashId}), so both peers agree without coordination. A body tagging
 * a class by name, or naming an id not registered here, is refused; writing a class that is not registered fails
 * with what to do about it. References are off (no cyclic graphs). JDK collection views and immutable collections
 * are written as their plain mutable equivalents.
 */
public final class KryoSerializer implements Serializer {
    public static final byte ID = 2;
    /**
     * Deepest object graph Kryo reads or writes (Kryo counts one level per nested object). Deeper bodies are refused
     * long before the stack runs out (about 300 bytes a level): a StackOverflowError may strike inside a class's
     * static initialiser and leave that class unusable for the rest of the JVM's life, so it must never be reached.
     */
    static final int MAX_DEPTH = 256;

    private final AllowList allowList;
    private final FastThreadLocal<TernKryo> kryos = new FastThreadLocal<>() {
        @Override
        protected TernKryo initialValue() {
            return new TernKryo(allowList);
        }
    };
    private final FastThreadLocal<Output> outputs = new FastThreadLocal<>() {
        @Override
        protected Output initialValue() {
            return new Output(1024, -1);
        }
    };

    public KryoSerializer(AllowList allowList) {
        this.allowList = allowList;
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public String name() {
        return "kryo";
    }

    /** This thread's Kryo, with every class allowed so far registered. */
    private TernKryo kryo() {
        TernKryo kryo = kryos.get();
        kryo.catchUp();
        return kryo;
    }

    /** The id this thread's Kryo writes for {@code type}, or -1 if it is not registered (for tests). */
    int registeredId(Class<?> type) {
        Registration r = kryo().getClassResolver().getRegistration(type);
        return r == null ? -1 : r.getId();
    }

    /** The serializer class this thread's Kryo uses for a registered {@code type} (for tests). */
    Class<?> serializerClass(Class<?> type) {
        return kryo().getRegistration(type).getSerializer().getClass();
    }

    @Override
    public ValueCodec codecFor(Type declaredType) {
        allowList.allow(declaredType);
        Class<?> raw = Types.box(Types.raw(declaredType));
        return new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) {
                Output output = outputs.get();
                output.reset();
                TernKryo kryo = kryo();
                try {
                    kryo.writeClassAndObject(output, value);
                } catch (RuntimeException e) {
                    recover(kryo);
                    throw new IllegalArgumentException("kryo cannot write a " + Types.describe(declaredType) + ": " + rootMessage(e), e);
                }
                out.writeBytes(output.getBuffer(), 0, output.position());
                if (output.getBuffer().length > 64 * 1024) {
                    outputs.remove(); // do not pin a large buffer to the thread
                }
            }

            @Override
            public Object read(ByteBuf in) {
                Input input;
                int base;
                if (in.hasArray()) {
                    base = in.arrayOffset() + in.readerIndex();
                    input = new BoundedKryoInput(in.array(), base, in.readableBytes());
                } else {
                    byte[] copy = new byte[in.readableBytes()];
                    in.getBytes(in.readerIndex(), copy);
                    base = 0;
                    input = new BoundedKryoInput(copy, 0, copy.length);
                }
                // decode nothing without a budget: a codec used outside MessageCodec gets one for the bytes it reads
                boolean ownBudget = DecodeBudget.left() == Long.MAX_VALUE;
                long previousBudget = ownBudget ? DecodeBudget.open(in.readableBytes()) : 0;
                TernKryo kryo = kryo();
                Object value;
                try {
                    value = kryo.readClassAndObject(input);
                } catch (RuntimeException e) {
                    recover(kryo);
                    throw corrupt(declaredType, e);
                } catch (StackOverflowError e) {
                    recover(kryo);
                    throw e;
                } finally {
                    if (ownBudget) {
                        DecodeBudget.close(previousBudget);
                    }
                }
                in.skipBytes(input.position() - base);
                if (value != null && raw != Object.class && !raw.isInstance(value)) {
                    throw new CorruptBodyException("expected a " + Types.describe(declaredType) + " but the body holds a " + value.getClass().getName());
                }
                return value;
            }
        };
    }

    /** A failed read or write may leave Kryo mid-graph (depth, generic type stack): reset it before the thread's next body. */
    private static void recover(Kryo kryo) {
        kryo.reset();
        kryo.setOptimizedGenerics(true); // a fresh generics stack
    }

    /** Anything a hostile body makes Kryo throw is a bad body; a refusal from a bounded reader keeps its own message. */
    private static CorruptBodyException corrupt(Type declaredType, RuntimeException e) {
        Throwable reason = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CorruptBodyException) {
                reason = t;
                break;
            }
        }
        return new CorruptBodyException("kryo could not decode a " + Types.describe(declaredType) + ": " + reason.getMessage(), e);
    }

    /** Kryo wraps what a nested serializer throws, adding its field trace: the innermost message says what went wrong. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : root.getMessage() + " (" + e.getMessage() + ")";
    }

    /** One thread's Kryo: fixed JDK registrations, then every class of the allow-list, registered as it grows. */
    static final class TernKryo extends Kryo {
        private final AllowList allowList;
        /** How many of {@link AllowList#hashRegistered()} this instance has registered. */
        private int registered;

        TernKryo(AllowList allowList) {
            super(new TernClassResolver(), null);
            this.allowList = allowList;
            setRegistrationRequired(true);
            setReferences(false);
            setMaxDepth(MAX_DEPTH);
            setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
            addDefaultSerializer(java.util.UUID.class, new UuidSerializer());
            addDefaultSerializer(java.util.Collection.class, BoundedKryoInput.BoundedCollectionSerializer.class);
            addDefaultSerializer(java.util.Map.class, BoundedKryoInput.BoundedMapSerializer.class);
            addDefaultSerializer(Object[].class, BoundedKryoInput.BoundedObjectArraySerializer.class);
            addDefaultSerializer(java.util.TreeMap.class, BoundedKryoInput.SortedMapSerializer.class);
            addDefaultSerializer(java.util.TreeSet.class, BoundedKryoInput.SortedSetSerializer.class);
            addDefaultSerializer(boolean[].class, BoundedKryoInput.BoundedBooleanArraySerializer.class);
            addDefaultSerializer(java.math.BigInteger.class, BoundedKryoInput.BoundedBigIntegerSerializer.class);
            addDefaultSerializer(java.math.BigDecimal.class, BoundedKryoInput.BoundedBigDecimalSerializer.class);
            List<Class<?>> fixed = AllowList.JDK_VALUE_TYPES;
            for (int i = 0; i < fixed.size(); i++) {
                if (getClassResolver().getRegistration(fixed.get(i)) == null) { // String and the boxes keep Kryo's own ids 0-8
                    register(fixed.get(i), AllowList.FIRST_FIXED_ID + i);
                }
            }
        }

        /**
         * Registers the classes allowed since this instance last looked: one volatile read when nothing changed.
         * Serializers are created on first use, as Kryo does for classes it registers implicitly.
         */
        void catchUp() {
            Class<?>[] allowed = allowList.hashRegistered();
            if (allowed.length == registered) {
                return;
            }
            for (int i = registered; i < allowed.length; i++) {
                register(new LazyRegistration(this, allowed[i], AllowList.hashId(allowed[i].getName())));
            }
            registered = allowed.length;
        }

        @Override
        protected String unregisteredClassMessage(Class type) {
            return "class " + type.getName() + " is not registered with Kryo: Tern RPC's Kryo carries only the JDK value types and"
                    + " the classes reachable from exported or referenced method signatures. Declare it in a method signature"
                    + " (or a field of a type one uses), or allow it explicitly on both peers with"
                    + " Serializers.allowList().allowClass(" + type.getName() + ".class)";
        }
    }

    /** A registration whose serializer is created when it is first needed (most allowed classes never travel by Kryo). */
    static final class LazyRegistration extends Registration {
        private static final com.esotericsoftware.kryo.Serializer<Object> NOT_YET = new com.esotericsoftware.kryo.Serializer<>() {
            @Override
            public void write(Kryo kryo, Output output, Object object) {
                throw new IllegalStateException("placeholder serializer used");
            }

            @Override
            public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
                throw new IllegalStateException("placeholder serializer used");
            }
        };

        private final Kryo kryo;
        private boolean created;

        LazyRegistration(Kryo kryo, Class<?> type, int id) {
            super(type, NOT_YET, id);
            this.kryo = kryo;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public com.esotericsoftware.kryo.Serializer getSerializer() {
            if (!created) {
                setSerializer(kryo.getDefaultSerializer(getType()));
                created = true;
            }
            return super.getSerializer();
        }
    }

    /** UUID's fields are not open to reflection on modern JDKs. */
    static final class UuidSerializer extends com.esotericsoftware.kryo.Serializer<java.util.UUID> {
        UuidSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, java.util.UUID uuid) {
            output.writeLong(uuid.getMostSignificantBits());
            output.writeLong(uuid.getLeastSignificantBits());
        }

        @Override
        public java.util.UUID read(Kryo kryo, Input input, Class<? extends java.util.UUID> type) {
            return new java.util.UUID(input.readLong(), input.readLong());
        }
    }

    /**
     * Reads classes by registered id only (a class name on the wire is refused unread) and writes JDK collection
     * views and immutable collections, which are not registered, as the plain collection they stand for.
     */
    static final class TernClassResolver extends DefaultClassResolver {
        @Override
        public Registration readClass(Input input) {
            int tag = input.readVarInt(true); // id + 2; 0 = null, 1 = a class name follows
            if (tag == Kryo.NULL) {
                return null;
            }
            if (tag == NAME + 2) {
                throw new CorruptBodyException("class names are not accepted: Tern RPC's Kryo bodies tag classes by registered id only");
            }
            Registration registration = getRegistration(tag - 2);
            if (registration == null) {
                throw new CorruptBodyException("class id " + (tag - 2) + " is not registered here: the peer sent a type that is not"
                        + " on this side's allow-list (JDK value types and classes reachable from exported or referenced signatures)");
            }
            return registration;
        }

        @Override
        public Registration writeClass(Output output, Class type) {
            if (type != null && getRegistration(type) == null) {
                type = plainJdkType(type);
            }
            return super.writeClass(output, type);
        }

        private static Class<?> plainJdkType(Class<?> type) {
            if (type.isArray() || !AllowList.isJdk(type)) {
                return type;
            }
            if (java.util.SortedMap.class.isAssignableFrom(type)) {
                return java.util.TreeMap.class; // sorted views stay sorted (comparator kept)
            }
            if (java.util.SortedSet.class.isAssignableFrom(type)) {
                return java.util.TreeSet.class;
            }
            if (Map.class.isAssignableFrom(type)) {
                return LinkedHashMap.class;
            }
            if (Set.class.isAssignableFrom(type)) {
                return LinkedHashSet.class;
            }
            if (Collection.class.isAssignableFrom(type)) {
                return ArrayList.class;
            }
            return type;
        }
    }
}
