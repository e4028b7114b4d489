package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Kryo {@link Input} over one message body that spends every size the body announces (array lengths, string char
 * counts) from the body's {@link DecodeBudget} before allocating for it, and the serializers that do the same for
 * collections, maps, object arrays and numbers (public only because Kryo instantiates them reflectively). The budget
 * is shared by everything nested in the body: a tiny frame announcing a 2 GB array, or a million collections each
 * announcing a million nulls, is a bad request, not an OOM.
 */
public final class BoundedKryoInput extends Input {
    BoundedKryoInput(byte[] buffer, int offset, int count) {
        super(buffer, offset, count);
    }

    /**
     * Spends {@code count} elements that take at least one byte each: refused when fewer bytes are left (a cheap
     * bound that holds before the budget does), then spent from the body's budget.
     */
    void spendBytes(long count, String what) {
        int left = limit - position;
        if (count > left) {
            throw new CorruptBodyException(what + " announces " + count + " elements but only " + left + " bytes are left in the body");
        }
        DecodeBudget.spend(count, what);
    }

    @Override
    public byte[] readBytes(int length) {
        spendBytes(length, "byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        spendBytes(length, "int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public int[] readInts(int length) {
        spendBytes(length, "int array");
        return super.readInts(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        spendBytes(length, "long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        spendBytes(length, "long array");
        return super.readLongs(length);
    }

    @Override
    public float[] readFloats(int length) {
        spendBytes(length, "float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        spendBytes(length, "double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        spendBytes(length, "short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        spendBytes(length, "char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        spendBytes(length, "boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        spendUtf8CharCount();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        spendUtf8CharCount();
        return super.readStringBuilder();
    }

    /**
     * A UTF-8 string announces its char count up front (each char takes at least one byte): spend it before Kryo
     * sizes its char buffer. An ASCII string announces nothing: it ends at the byte with the high bit set, so it is
     * never longer than the bytes it occupies (Kryo writes only strings of up to 32 chars that way).
     */
    private void spendUtf8CharCount() {
        if (position < limit && (buffer[position] & 0x80) != 0) {
            int start = position;
            int charCountPlusOne = readVarIntFlag(true); // 0 = null, 1 = empty
            position = start;
            if (charCountPlusOne != 0) {
                spendBytes(charCountPlusOne - 1L, "string");
            }
        }
    }

    static BoundedKryoInput of(Input input) {
        if (input instanceof BoundedKryoInput b) {
            return b;
        }
        throw new KryoException("Tern RPC reads Kryo bodies only through a bounded input");
    }

    /**
     * Collections: the announced size is spent before the collection is created. Its elements may cost nothing on
     * the wire (a collection of nulls is four bytes whatever its size), so only the budget bounds it.
     */
    public static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
            DecodeBudget.spend(size, "collection");
            return super.create(kryo, input, type, size);
        }
    }

    /** Maps: the announced number of entries is spent before the map is created. */
    public static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
            DecodeBudget.spend(size, "map");
            return super.create(kryo, input, type, size);
        }
    }

    /** Any SortedMap (TreeMap or a view of one): written with its comparator, read back as a TreeMap. */
    public static final class SortedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected void writeHeader(Kryo kryo, Output output, Map<Object, Object> map) {
            kryo.writeClassAndObject(output, ((SortedMap<?, ?>) map).comparator());
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
            DecodeBudget.spend(size, "sorted map");
            return new TreeMap<>((Comparator<Object>) kryo.readClassAndObject(input));
        }
    }

    /** Any SortedSet (TreeSet or a view of one): written with its comparator, read back as a TreeSet. */
    public static final class SortedSetSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected void writeHeader(Kryo kryo, Output output, Collection<Object> set) {
            kryo.writeClassAndObject(output, ((SortedSet<?>) set).comparator());
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
            DecodeBudget.spend(size, "sorted set");
            return new TreeSet<>((Comparator<Object>) kryo.readClassAndObject(input));
        }
    }

    /** Object arrays: the length (written + 1, 0 = null) is spent before the array is allocated; each element takes a byte. */
    public static final class BoundedObjectArraySerializer extends DefaultArraySerializers.ObjectArraySerializer {
        public BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
            super(kryo, type);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Object[] read(Kryo kryo, Input input, Class type) {
            BoundedKryoInput in = of(input);
            int start = in.position();
            int lengthPlusOne = in.readVarInt(true);
            in.setPosition(start);
            if (lengthPlusOne != Kryo.NULL) {
                in.spendBytes(lengthPlusOne - 1L, "object array");
            }
            return super.read(kryo, input, type);
        }
    }

    /** boolean[]: Kryo's serializer allocates the array itself, not through the input: spend its length first. */
    public static final class BoundedBooleanArraySerializer extends DefaultArraySerializers.BooleanArraySerializer {
        @Override
        public boolean[] read(Kryo kryo, Input input, Class type) {
            BoundedKryoInput in = of(input);
            int start = in.position();
            int lengthPlusOne = in.readVarInt(true);
            in.setPosition(start);
            if (lengthPlusOne != Kryo.NULL) {
                in.spendBytes(lengthPlusOne - 1L, "boolean array");
            }
            return super.read(kryo, input, type);
        }
    }

    /** BigInteger, in Kryo's wire form (two's-complement bytes), with at most {@link DecodeBudget#MAX_NUMBER_DIGITS} digits. */
    public static final class BoundedBigIntegerSerializer extends DefaultSerializers.BigIntegerSerializer {
        @Override
        public BigInteger read(Kryo kryo, Input input, Class<? extends BigInteger> type) {
            int lengthPlusOne = input.readVarInt(true);
            if (lengthPlusOne == Kryo.NULL) {
                return null;
            }
            requirePlain(type, BigInteger.class);
            return readMagnitude(of(input), lengthPlusOne - 1, "BigInteger");
        }
    }

    /**
     * BigDecimal, in Kryo's wire form (unscaled value as a long of up to 8 bytes or as two's-complement bytes, then
     * the scale), with at most {@link DecodeBudget#MAX_NUMBER_DIGITS} digits and a scale within
     * ±{@link DecodeBudget#MAX_NUMBER_SCALE}.
     */
    public static final class BoundedBigDecimalSerializer extends DefaultSerializers.BigDecimalSerializer {
        @Override
        public BigDecimal read(Kryo kryo, Input input, Class<? extends BigDecimal> type) {
            int lengthPlusOne = input.readVarInt(true);
            if (lengthPlusOne == Kryo.NULL) {
                return null;
            }
            requirePlain(type, BigDecimal.class);
            int length = lengthPlusOne - 1;
            BigInteger unscaledBig = null;
            long unscaledLong = 0;
            if (length > 8) {
                unscaledBig = readMagnitude(of(input), length, "BigDecimal");
            } else {
                unscaledLong = input.readLong(length);
            }
            int scale = input.readInt(false);
            DecodeBudget.checkScale(scale, "BigDecimal");
            return unscaledBig != null ? new BigDecimal(unscaledBig, scale) : BigDecimal.valueOf(unscaledLong, scale);
        }
    }

    /** 10^MAX_NUMBER_DIGITS: the smallest magnitude with one digit too many. */
    private static final BigInteger TOO_MANY_DIGITS = BigInteger.TEN.pow(DecodeBudget.MAX_NUMBER_DIGITS);
    /** Two's-complement bytes of the largest magnitude allowed (4096 nines): a longer number is refused unread. */
    static final int MAX_NUMBER_BYTES = TOO_MANY_DIGITS.subtract(BigInteger.ONE).bitLength() / 8 + 1;

    /**
     * Reads a two's-complement number of {@code length} bytes, refusing more than MAX_NUMBER_DIGITS decimal digits.
     * The bytes are spent from the budget, not the digits: a binary form carries 2.4 digits per byte, so spending
     * digits would refuse a legal 4096-digit number in a small body.
     */
    private static BigInteger readMagnitude(BoundedKryoInput in, int length, String what) {
        if (length > MAX_NUMBER_BYTES) {
            DecodeBudget.checkDigits(mostDigits(8L * length - 1), what); // more bytes than any allowed number: throws
        }
        if (length == 0) {
            throw new CorruptBodyException(what + " with no bytes");
        }
        BigInteger value = new BigInteger(in.readBytes(length));
        if (value.bitLength() >= TOO_MANY_DIGITS.bitLength() && value.abs().compareTo(TOO_MANY_DIGITS) >= 0) {
            DecodeBudget.checkDigits(mostDigits(value.bitLength()), what); // at least 10^4096: throws
        }
        return value;
    }

    /** An upper bound of the decimal digits of a magnitude of {@code bits} bits: floor(bits * log10(2)) + 1, rounded up. */
    private static int mostDigits(long bits) {
        return (int) Math.min(Integer.MAX_VALUE, bits * 30_103L / 100_000L + 1);
    }

    /** A subclass would need reflection to build (and could do anything in its constructor): only the JDK class is read. */
    private static void requirePlain(Class<?> type, Class<?> plain) {
        if (type != null && type != plain) {
            throw new CorruptBodyException("subclasses of " + plain.getName() + " are not read (got " + type.getName() + ")");
        }
    }
}
