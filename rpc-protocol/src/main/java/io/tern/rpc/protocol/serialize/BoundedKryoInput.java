package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.util.Collection;
import java.util.Map;

/**
 * A Kryo {@link Input} over one message body that refuses any element count larger than the bytes left before
 * allocating for it (public only because Kryo instantiates the serializers reflectively): a tiny frame announcing a 2 GB array, string or collection is a bad request, not an OOM.
 */
public final class BoundedKryoInput extends Input {
    BoundedKryoInput(byte[] buffer, int offset, int count) {
        super(buffer, offset, count);
    }

    int remaining() {
        return limit - position;
    }

    void check(long count, String what) {
        if (count < 0 || count > remaining()) {
            throw new KryoException(what + " of " + count + " elements exceeds the " + remaining() + " bytes left in the body");
        }
    }

    @Override
    public byte[] readBytes(int length) {
        check(length, "byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        check(length, "int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public int[] readInts(int length) {
        check(length, "int array");
        return super.readInts(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        check(length, "long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        check(length, "long array");
        return super.readLongs(length);
    }

    @Override
    public float[] readFloats(int length) {
        check(length, "float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        check(length, "double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        check(length, "short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        check(length, "char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        check(length, "boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        int start = position;
        if (limit > position && readVarIntFlag()) { // UTF-8 with a char count up front (ASCII strings are self-delimiting)
            int charCount = readVarIntFlag(true);
            check(Math.max(0, charCount - 1), "string");
        }
        position = start;
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        int start = position;
        if (limit > position && readVarIntFlag()) {
            int charCount = readVarIntFlag(true);
            check(Math.max(0, charCount - 1), "string");
        }
        position = start;
        return super.readStringBuilder();
    }

    static BoundedKryoInput of(Input input) {
        if (input instanceof BoundedKryoInput b) {
            return b;
        }
        throw new KryoException("Tern RPC reads Kryo bodies only through a bounded input");
    }

    /** Collections: the announced size must fit in the bytes left before the collection is created. */
    public static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
            of(input).check(size, "collection");
            return super.create(kryo, input, type, size);
        }
    }

    /** Maps: each entry takes at least two bytes. */
    public static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
            of(input).check(size, "map");
            return super.create(kryo, input, type, size);
        }
    }

    /** Any SortedMap (TreeMap or a view of one): written with its comparator, read back as a TreeMap. */
    public static final class SortedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected void writeHeader(Kryo kryo, com.esotericsoftware.kryo.io.Output output, Map<Object, Object> map) {
            kryo.writeClassAndObject(output, ((java.util.SortedMap<?, ?>) map).comparator());
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
            of(input).check(size, "map");
            return new java.util.TreeMap<>((java.util.Comparator<Object>) kryo.readClassAndObject(input));
        }
    }

    /** Any SortedSet (TreeSet or a view of one): written with its comparator, read back as a TreeSet. */
    public static final class SortedSetSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected void writeHeader(Kryo kryo, com.esotericsoftware.kryo.io.Output output, Collection<Object> set) {
            kryo.writeClassAndObject(output, ((java.util.SortedSet<?>) set).comparator());
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
            of(input).check(size, "set");
            return new java.util.TreeSet<>((java.util.Comparator<Object>) kryo.readClassAndObject(input));
        }
    }

    /** Object arrays: the length (written + 1, 0 = null) must fit before the array is allocated. */
    public static final class BoundedObjectArraySerializer extends DefaultArraySerializers.ObjectArraySerializer {
        public BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
            super(kryo, type);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Object[] read(Kryo kryo, Input input, Class type) {
            BoundedKryoInput in = of(input);
            int start = in.position();
            int length = in.readVarInt(true);
            in.check(Math.max(0, length - 1), "array");
            in.setPosition(start);
            return super.read(kryo, input, type);
        }
    }
}
