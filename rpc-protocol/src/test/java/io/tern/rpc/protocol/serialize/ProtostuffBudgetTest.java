package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import io.protostuff.runtime.DefaultIdStrategy;
import io.protostuff.runtime.RuntimeSchema;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.serialize.TestPojos.Color;
import io.tern.rpc.testsupport.DecodeProbe;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protostuff POJOs under the body budget: arrays inside a POJO are never allocated at a length the wire announces
 * beyond the body, numbers are refused before parsing when over the digit cap, and no bytes or string field makes
 * protostuff allocate more than the message holds.
 */
class ProtostuffBudgetTest {
    private static final long FOUR_MIB = 4L << 20;
    private static final ProtostuffSerializer PROTOSTUFF = (ProtostuffSerializer) Serializers.protostuff();

    /** Every array type a POJO may hold. */
    public static class ArrayHolder {
        public boolean[] flags;
        public char[] chars;
        public short[] shorts;
        public int[] ints;
        public long[] longs;
        public float[] floats;
        public double[] doubles;
        public String[] names;
        public Integer[] boxed;
        public BigDecimal[] amounts;
        public Color[] colors;
        public byte[][] blobs;
        public Date[] dates;

        static ArrayHolder sample() {
            ArrayHolder h = new ArrayHolder();
            h.flags = new boolean[]{true, false};
            h.chars = new char[]{'a', 'é', '日'};
            h.shorts = new short[]{Short.MIN_VALUE, 0, Short.MAX_VALUE};
            h.ints = new int[]{Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
            h.longs = new long[]{Long.MIN_VALUE, 1, Long.MAX_VALUE};
            h.floats = new float[]{-0.0f, Float.NaN, 1.5f};
            h.doubles = new double[]{Double.MIN_VALUE, Double.NEGATIVE_INFINITY};
            h.names = new String[]{"x", null, ""};
            h.boxed = new Integer[]{null, 7};
            h.amounts = new BigDecimal[]{new BigDecimal("-1.25"), null};
            h.colors = new Color[]{Color.BLUE, null, Color.RED};
            h.blobs = new byte[][]{{1, 2}, null, {}};
            h.dates = new Date[]{new Date(1_700_000_000_000L)};
            return h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayHolder h && Arrays.equals(flags, h.flags) && Arrays.equals(chars, h.chars)
                    && Arrays.equals(shorts, h.shorts) && Arrays.equals(ints, h.ints) && Arrays.equals(longs, h.longs)
                    && Arrays.equals(floats, h.floats) && Arrays.equals(doubles, h.doubles) && Arrays.equals(names, h.names)
                    && Arrays.equals(boxed, h.boxed) && Arrays.equals(amounts, h.amounts) && Arrays.equals(colors, h.colors)
                    && Arrays.deepEquals(blobs, h.blobs) && Arrays.equals(dates, h.dates);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ints);
        }

        @Override
        public String toString() {
            return "ArrayHolder" + Arrays.asList(Arrays.toString(ints), Arrays.toString(names), Arrays.deepToString(blobs));
        }
    }

    public static class Money {
        public BigDecimal amount;
        public BigInteger count;
        public List<BigDecimal> history;
        public Map<String, BigDecimal> byCurrency;

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && Objects.equals(amount, m.amount) && Objects.equals(count, m.count) && Objects.equals(history, m.history)
                    && Objects.equals(byCurrency, m.byCurrency);
        }

        @Override
        public int hashCode() {
            return Objects.hash(amount, count);
        }
    }

    public static class Blob {
        public byte[] data;
        public String note;
    }

    private static byte[] bytes(Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        try {
            writer.accept(b);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** A present POJO argument holding {@code message}, as the POJO codec frames it. */
    private static byte[] pojoArgument(byte[] message) {
        return bytes(b -> {
            b.writeByte(1);
            Varints.writeVarint(b, message.length);
            b.writeBytes(message);
        });
    }

    private static Object decodeArgument(byte[] body, ValueCodec codec) {
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            return MessageCodec.decodeArguments(b, new ValueCodec[]{codec})[0];
        } finally {
            b.release();
        }
    }

    private static DecodeProbe.Outcome probe(String name, byte[] body, ValueCodec codec) {
        return DecodeProbe.run(name, () -> decodeArgument(body, codec));
    }

    private static byte[] encode(ValueCodec codec, Object value) {
        return bytes(b -> {
            try {
                codec.write(b, value);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static int fieldNumber(Class<?> pojo, String field) {
        return PROTOSTUFF.schemaFor(pojo).getFieldNumber(field);
    }

    // ---------------------------------------------------------------- arrays

    @Test
    void everyArrayFieldAnnouncing2pow31ElementsIsRefusedByTheBodyBudget() {
        ValueCodec codec = PROTOSTUFF.codecFor(ArrayHolder.class);
        for (String field : List.of("flags", "chars", "shorts", "ints", "longs", "floats", "doubles", "names", "boxed", "amounts",
                "colors", "blobs", "dates")) {
            int number = fieldNumber(ArrayHolder.class, field);
            byte[] message = bytes(b -> { // the array as a bytes field: present, then a count of 2^31 - 1
                Varints.writeVarint(b, number << 3 | 2);
                Varints.writeVarint(b, 6 + 16);
                b.writeByte(1);
                Varints.writeVarint(b, Integer.MAX_VALUE);
                b.writeZero(16);
            });
            probe(field + " announcing 2^31-1 elements", pojoArgument(message), codec)
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "decode budget");
        }
    }

    @Test
    void protostuffsOwnArrayEncodingAnnouncing2pow31ElementsAllocatesNothing() {
        // protostuff-runtime's array layout (a group holding the length, then the elements), which it allocates at
        // the announced length: int[2^31-1] or String[2^31-1] in a few bytes
        ValueCodec codec = PROTOSTUFF.codecFor(ArrayHolder.class);
        for (String field : List.of("ints", "names")) {
            int number = fieldNumber(ArrayHolder.class, field);
            byte[] message = bytes(b -> {
                Varints.writeVarint(b, number << 3 | 3); // start group
                b.writeByte(0x08); // field 1: the length
                Varints.writeVarint(b, Integer.MAX_VALUE);
                Varints.writeVarint(b, number << 3 | 4); // end group
            });
            probe(field + " in protostuff's array layout announcing 2^31-1", pojoArgument(message), codec)
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "left in the message");
        }
    }

    @Test
    void aPojoWithAnIntArrayOfAHundredThousandElementsDecodes() {
        ValueCodec codec = PROTOSTUFF.codecFor(ArrayHolder.class);
        ArrayHolder h = new ArrayHolder();
        h.ints = new int[100_000];
        Arrays.setAll(h.ints, i -> i * 31 - 1_000_000);
        byte[] body = encode(codec, h);
        assertEquals(h, decodeArgument(body, codec));
    }

    @Test
    void everyArrayTypeRoundTrips() {
        ValueCodec codec = PROTOSTUFF.codecFor(ArrayHolder.class);
        ArrayHolder h = ArrayHolder.sample();
        assertEquals(h, decodeArgument(encode(codec, h), codec));
        ArrayHolder empty = new ArrayHolder();
        empty.ints = new int[0];
        empty.names = new String[0];
        assertEquals(empty, decodeArgument(encode(codec, empty), codec));
        assertEquals(new ArrayHolder(), decodeArgument(encode(codec, new ArrayHolder()), codec));
    }

    // ---------------------------------------------------------------- numbers

    /** A string field as protostuff writes it: tag, varint length, then the bytes. */
    private static void stringField(ByteBuf b, int number, String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Varints.writeVarint(b, number << 3 | 2);
        Varints.writeVarint(b, utf8.length);
        b.writeBytes(utf8);
    }

    @Test
    void aMillionDigitBigDecimalFieldIsRefusedBeforeParsing() {
        ValueCodec codec = PROTOSTUFF.codecFor(Money.class);
        String digits = "7".repeat(1_000_000);
        byte[] field = bytes(b -> stringField(b, fieldNumber(Money.class, "amount"), digits));
        int history = fieldNumber(Money.class, "history");
        byte[] listElement = bytes(b -> { // a collection is a group of elements in field 1
            Varints.writeVarint(b, history << 3 | 3);
            stringField(b, 1, digits);
            Varints.writeVarint(b, history << 3 | 4);
        });
        int byCurrency = fieldNumber(Money.class, "byCurrency");
        byte[] mapValue = bytes(b -> { // a map is a group of entry groups in field 1: key (field 1), value (field 2)
            Varints.writeVarint(b, byCurrency << 3 | 3);
            b.writeByte(1 << 3 | 3);
            stringField(b, 1, "EUR");
            stringField(b, 2, digits);
            b.writeByte(1 << 3 | 4);
            Varints.writeVarint(b, byCurrency << 3 | 4);
        });
        for (Object[] c : new Object[][]{{"field", field}, {"List element", listElement}, {"Map value", mapValue}}) {
            probe("BigDecimal " + c[0] + " of 1,000,000 digits", pojoArgument((byte[]) c[1]), codec)
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "over the limit of 4096 digits");
        }
    }

    @Test
    void aMillionDigitBigIntegerFieldIsRefused() {
        ValueCodec codec = PROTOSTUFF.codecFor(Money.class);
        int number = fieldNumber(Money.class, "count");
        int bytesOfAMillionDigits = 415_242; // 10^1,000,000 needs 3,321,929 bits
        byte[] message = bytes(b -> {
            Varints.writeVarint(b, number << 3 | 2);
            Varints.writeVarint(b, bytesOfAMillionDigits);
            b.writeByte(0x7F);
            for (int i = 1; i < bytesOfAMillionDigits; i++) {
                b.writeByte(0xA5);
            }
        });
        probe("BigInteger field of 1,000,000 digits", pojoArgument(message), codec)
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "over the limit of 4096 digits");
    }

    @Test
    void aBigDecimalFieldWithAHugeScaleIsRefused() {
        ValueCodec codec = PROTOSTUFF.codecFor(Money.class);
        int number = fieldNumber(Money.class, "amount");
        byte[] message = bytes(b -> stringField(b, number, "1E-999999999"));
        probe("BigDecimal field 1E-999999999", pojoArgument(message), codec).refused(CorruptBodyException.class, "scale");
    }

    private static Money money4096() {
        BigInteger digits = new BigInteger("9".repeat(4096));
        Money m = new Money();
        m.amount = new BigDecimal(digits.negate(), 4096);
        m.count = digits;
        m.history = List.of(new BigDecimal(digits, -4096), BigDecimal.ONE);
        m.byCurrency = Map.of("EUR", new BigDecimal(digits, 2));
        return m;
    }

    @Test
    void numbersOf4096DigitsInAPojoDecode() {
        ValueCodec codec = PROTOSTUFF.codecFor(Money.class);
        Money m = money4096();
        assertEquals(m, decodeArgument(encode(codec, m), codec));
    }

    @Test
    void numbersInAPojoKeepProtostuffsWireFormat() {
        Money m = money4096();
        @SuppressWarnings("unchecked")
        Schema<Money> plain = (Schema<Money>) (Schema<?>) RuntimeSchema.createFrom(Money.class, new DefaultIdStrategy(
                (DefaultIdStrategy.DEFAULT_FLAGS | DefaultIdStrategy.PRESERVE_NULL_ELEMENTS) & ~DefaultIdStrategy.AUTO_LOAD_POLYMORPHIC_CLASSES,
                null, 0)); // protostuff alone, with the flags of ours, and no delegates
        byte[] expected = ProtostuffIOUtil.toByteArray(m, plain, LinkedBuffer.allocate());
        ByteBuf ours = Unpooled.wrappedBuffer(encode(PROTOSTUFF.codecFor(Money.class), m));
        try {
            assertEquals(1, ours.readByte());
            assertEquals(expected.length, Varints.readVarint(ours));
            assertArrayEquals(expected, ByteBufUtil.getBytes(ours));
        } finally {
            ours.release();
        }
    }

    // ---------------------------------------------------------------- protostuff's own length checks

    @Test
    void aBytesFieldLengthThatOverflowsProtostuffsBoundsCheckAllocatesNothing() {
        // protostuff checks offset + length > limit in int arithmetic: a length near 2^31 wraps around and it
        // allocates a 2 GiB byte[] for a 9-byte message
        ValueCodec codec = PROTOSTUFF.codecFor(Blob.class);
        for (String field : List.of("data", "note")) {
            int number = fieldNumber(Blob.class, field);
            byte[] message = bytes(b -> {
                Varints.writeVarint(b, number << 3 | 2);
                Varints.writeVarint(b, Integer.MAX_VALUE - 5);
                b.writeBytes(new byte[]{1, 2, 3});
            });
            byte[] body = pojoArgument(message);
            probe(field + " announcing 2^31-6 bytes (heap buffer)", body, codec)
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "left in the message");
            probe(field + " announcing 2^31-6 bytes (direct buffer)", body, new DirectCodec(codec))
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "left in the message");
        }
    }

    /** Reads through a direct copy of the body, the path a frame off the network takes. */
    private record DirectCodec(ValueCodec inner) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            inner.write(out, value);
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            ByteBuf direct = Unpooled.directBuffer(in.readableBytes());
            try {
                direct.writeBytes(in);
                return inner.read(direct);
            } finally {
                direct.release();
            }
        }
    }
}
