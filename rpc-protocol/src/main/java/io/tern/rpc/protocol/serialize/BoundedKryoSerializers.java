package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
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
 * Kryo serializers that spend what a body announces from its {@link DecodeBudget} before allocating for it, for the
 * types whose Kryo serializers allocate on their own rather than through {@link BoundedKryoInput}: collections, maps,
 * object and boolean arrays, and big numbers (under the digit and scale caps). Public only because Kryo
 * instantiates them reflectively.
 */
public final class BoundedKryoSerializers {
    private BoundedKryoSerializers() {
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
            BoundedKryoInput.of(input).spendAnnouncedLength("object array");
            return super.read(kryo, input, type);
        }
    }

    /** boolean[]: Kryo's serializer allocates the array itself, not through the input: spend its length first. */
    public static final class BoundedBooleanArraySerializer extends DefaultArraySerializers.BooleanArraySerializer {
        @Override
        public boolean[] read(Kryo kryo, Input input, Class type) {
            BoundedKryoInput.of(input).spendAnnouncedLength("boolean array");
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
            return readMagnitude(BoundedKryoInput.of(input), lengthPlusOne - 1, "BigInteger");
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
                unscaledBig = readMagnitude(BoundedKryoInput.of(input), length, "BigDecimal");
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
