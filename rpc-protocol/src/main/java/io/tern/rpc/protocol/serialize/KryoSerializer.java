package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
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
import java.util.Map;
import java.util.Set;

/**
 * Kryo codec (codec byte 2). Classes travel by name, but a name read from the wire resolves only through the
 * {@link AllowList}: an unknown name fails the decode and nothing is loaded. References are off (no cyclic
 * graphs). JDK collection views and immutable collections are written as their plain mutable equivalents.
 */
public final class KryoSerializer implements Serializer {
    public static final byte ID = 2;

    private final AllowList allowList;
    private final FastThreadLocal<Kryo> kryos = new FastThreadLocal<>() {
        @Override
        protected Kryo initialValue() {
            return newKryo();
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

    @Override
    public ValueCodec codecFor(Type declaredType) {
        allowList.allow(declaredType);
        Class<?> raw = Types.box(Types.raw(declaredType));
        return new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) {
                Output output = outputs.get();
                output.reset();
                kryos.get().writeClassAndObject(output, value);
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
                Kryo kryo = kryos.get();
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

    /** A failed read may leave Kryo mid-graph (depth, generic type stack): reset it before the thread's next body. */
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

    private Kryo newKryo() {
        Kryo kryo = new Kryo(new AllowListClassResolver(allowList), null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.addDefaultSerializer(java.util.UUID.class, new UuidSerializer());
        kryo.addDefaultSerializer(java.util.Collection.class, BoundedKryoInput.BoundedCollectionSerializer.class);
        kryo.addDefaultSerializer(java.util.Map.class, BoundedKryoInput.BoundedMapSerializer.class);
        kryo.addDefaultSerializer(Object[].class, BoundedKryoInput.BoundedObjectArraySerializer.class);
        kryo.addDefaultSerializer(java.util.TreeMap.class, BoundedKryoInput.SortedMapSerializer.class);
        kryo.addDefaultSerializer(java.util.TreeSet.class, BoundedKryoInput.SortedSetSerializer.class);
        kryo.addDefaultSerializer(boolean[].class, BoundedKryoInput.BoundedBooleanArraySerializer.class);
        kryo.addDefaultSerializer(java.math.BigInteger.class, BoundedKryoInput.BoundedBigIntegerSerializer.class);
        kryo.addDefaultSerializer(java.math.BigDecimal.class, BoundedKryoInput.BoundedBigDecimalSerializer.class);
        // fixed ids for the common JDK types: the same on every peer, and shorter than names
        int id = 100;
        for (Class<?> c : AllowList.JDK_VALUE_TYPES) {
            kryo.register(c, id++);
        }
        return kryo;
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

    /** Resolves class names only through the allow-list and writes JDK collection views as plain collections. */
    static final class AllowListClassResolver extends DefaultClassResolver {
        private final AllowList allowList;

        AllowListClassResolver(AllowList allowList) {
            this.allowList = allowList;
        }

        @Override
        protected Class<?> getTypeByName(String className) {
            Class<?> c = allowList.lookup(className);
            if (c == null) {
                throw new KryoException("class " + className + " is not on the allow-list of types used by exported or referenced"
                        + " method signatures; it was not loaded");
            }
            return c;
        }

        @Override
        public Registration writeClass(Output output, Class type) {
            return super.writeClass(output, type == null ? null : plainJdkType(type));
        }

        private Class<?> plainJdkType(Class<?> type) {
            if (type.isArray() || !AllowList.isJdk(type) || allowList.isAllowed(type)) {
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
