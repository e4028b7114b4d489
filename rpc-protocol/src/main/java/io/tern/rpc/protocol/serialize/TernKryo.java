package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.util.List;

/** One thread's Kryo: fixed JDK registrations, then every class of the allow-list, registered as it grows. */
final class TernKryo extends Kryo {
    private final AllowList allowList;
    /** How many of {@link AllowList#hashRegistered()} this instance has registered. */
    private int registered;

    TernKryo(AllowList allowList) {
        super(new TernClassResolver(), null);
        this.allowList = allowList;
        setRegistrationRequired(true);
        setReferences(false);
        setMaxDepth(KryoSerializer.MAX_DEPTH);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        addDefaultSerializer(java.util.UUID.class, new UuidSerializer());
        addDefaultSerializer(java.util.Collection.class, BoundedKryoSerializers.BoundedCollectionSerializer.class);
        addDefaultSerializer(java.util.Map.class, BoundedKryoSerializers.BoundedMapSerializer.class);
        addDefaultSerializer(Object[].class, BoundedKryoSerializers.BoundedObjectArraySerializer.class);
        addDefaultSerializer(java.util.TreeMap.class, BoundedKryoSerializers.SortedMapSerializer.class);
        addDefaultSerializer(java.util.TreeSet.class, BoundedKryoSerializers.SortedSetSerializer.class);
        addDefaultSerializer(boolean[].class, BoundedKryoSerializers.BoundedBooleanArraySerializer.class);
        addDefaultSerializer(java.math.BigInteger.class, BoundedKryoSerializers.BoundedBigIntegerSerializer.class);
        addDefaultSerializer(java.math.BigDecimal.class, BoundedKryoSerializers.BoundedBigDecimalSerializer.class);
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

    /** A registration whose serializer is created when it is first needed (most allowed classes never travel by Kryo). */
    private static final class LazyRegistration extends Registration {
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
    private static final class UuidSerializer extends com.esotericsoftware.kryo.Serializer<java.util.UUID> {
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
}
