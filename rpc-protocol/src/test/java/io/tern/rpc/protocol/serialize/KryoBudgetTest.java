package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, "Kryo pre-allocation": Kryo collections can announce millions of elements that cost nothing on the wire
 * (null elements under the "same element type" flag), and a per-collection bound against the bytes left does not hold
 * across nested collections. Every size a Kryo body announces is spent from the body's {@link DecodeBudget} before
 * anything is allocated for it, so the whole body, however nested, allocates in proportion to its own size.
 *
 * <p>The attack bodies here are small (tens of KB, as a gzip-compressed request would be after decompression, padded
 * with zeros so that every announced size fits in "the bytes left"); the attacked method takes a String, as any
 * method with a parameter would do. Allocation is measured per thread, so the figures hold on a busy machine.
 */
class KryoBudgetTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KryoBudgetTest.class);
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** What a refused attack body may allocate while it is decoded. */
    private static final long ALLOCATION_LIMIT = 4L << 20;
    /** Zero bytes after the value: every size below fits in "the bytes left", and it compresses to nothing. */
    private static final int PADDING = 40_000;
    /** Null elements each inner collection announces (fits in the padding, far over a 41 KB body's budget when repeated). */
    private static final int NULLS = 20_000;

    private KryoSerializer kryo;
    private ValueCodec stringParameter;

    @BeforeEach
    void setUp() throws Exception {
        kryo = new KryoSerializer(new AllowList());
        stringParameter = kryo.codecFor(String.class);
        for (Class<?> array : List.of(byte[].class, int[].class, long[].class, float[].class, double[].class, short[].class,
                char[].class, boolean[].class, String[].class, ArrayList[].class)) {
            kryo.codecFor(array); // a signature that uses these types puts them on the allow-list
        }
        // warm up: the first decode on a thread sets up its Kryo, which is not what the tests measure
        ValueCodec any = kryo.codecFor(Object.class);
        List<Object> warm = new ArrayList<>(List.of("w", 1, new ArrayList<>(Arrays.asList(null, null)), new HashMap<>(), new LinkedList<>(),
                new HashSet<>(), new TreeMap<>(), new int[]{1}));
        assertEquals(warm.size(), ((List<?>) decodeInBudget(any, encode(any, warm)).valueOrThrow()).size());
    }

    // ------------------------------------------------------------------ attacks that allocated without bound

    static Stream<Arguments> amplifyingBodies() {
        return Stream.of(
                Arguments.of("list of 400 ArrayLists of 20,000 nulls each",
                        body(b -> b.collection(ArrayList.class, false, 400).repeat(400, x -> x.nulls(ArrayList.class, NULLS)))),
                Arguments.of("list of 60 LinkedLists of 20,000 nulls each",
                        body(b -> b.collection(ArrayList.class, false, 60).repeat(60, x -> x.nulls(LinkedList.class, NULLS)))),
                Arguments.of("list of 200 HashSets announcing 20,000 nulls each",
                        body(b -> b.collection(ArrayList.class, false, 200).repeat(200, x -> x.nulls(HashSet.class, NULLS)))),
                Arguments.of("HashMap of 400 entries whose values are lists of 20,000 nulls",
                        body(b -> b.map(HashMap.class, 400).repeat(400, x -> x.nullValue().nulls(ArrayList.class, NULLS)))),
                Arguments.of("LinkedHashSet of 400 lists of 20,000 nulls",
                        body(b -> b.collection(LinkedHashSet.class, false, 400).repeat(400, x -> x.nulls(ArrayList.class, NULLS)))),
                Arguments.of("three levels: 20 lists of 20 lists of 20,000 nulls",
                        body(b -> b.collection(ArrayList.class, false, 20).repeat(20,
                                x -> x.collection(ArrayList.class, false, 20).repeat(20, y -> y.nulls(ArrayList.class, NULLS))))),
                Arguments.of("TreeMap of 400 entries whose values are lists of 20,000 nulls",
                        body(b -> b.map(TreeMap.class, 400).nullValue() // comparator: none
                                .repeat(400, x -> x.integerKey().nulls(ArrayList.class, NULLS)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("amplifyingBodies")
    void nullsThatCostNothingOnTheWireAreSpentFromOneBudgetPerBody(String label, byte[] attack) {
        Decoded d = decodeInBudget(stringParameter, attack);
        assertRefusedByTheBudget(label, attack, d);
    }

    @Test
    void objectArrayOfListsOfNullsIsRefusedByTheBudget() throws Exception {
        // written by Kryo itself: one list of nulls, referenced 400 times (references are off, so it is written 400 times)
        ArrayList<Object> nulls = new ArrayList<>(Arrays.asList(new Object[NULLS]));
        ArrayList<?>[] array = new ArrayList<?>[400];
        Arrays.fill(array, nulls);
        byte[] attack = padded(encode(kryo.codecFor(ArrayList[].class), array));
        assertTrue(attack.length < 45_000, attack.length + " bytes");
        assertRefusedByTheBudget("ArrayList[] of 400 lists of 20,000 nulls", attack, decodeInBudget(stringParameter, attack));
    }

    private static void assertRefusedByTheBudget(String label, byte[] attack, Decoded d) {
        String figures = label + ": a " + attack.length + "-byte body allocated " + String.format("%,d", d.allocated) + " bytes while decoding";
        log.info("{} ({})", figures, d.failure == null ? "decoded" : d.failure.getMessage());
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, figures + "; outcome " + d.failure);
        assertTrue(e.getMessage().contains("decode budget"), figures + "; message: " + e.getMessage());
        assertTrue(d.allocated < ALLOCATION_LIMIT, figures);
    }

    // ------------------------------------------------------------------ every announced size spends from the same budget

    /** A value of {@code n} elements of each kind a Kryo body can announce a size for. */
    static Stream<Arguments> sizedValues() {
        return Stream.<Arguments>of(
                kind("byte array", n -> new byte[n]),
                kind("int array", n -> new int[n]),
                kind("long array", n -> new long[n]),
                kind("float array", n -> new float[n / 4]), // 4 bytes each: keep the body the same size
                kind("double array", n -> new double[n / 8]),
                kind("short array", n -> new short[n / 2]),
                kind("char array", n -> new char[n / 2]),
                kind("boolean array", n -> new boolean[n]),
                kind("string", n -> "é" + "x".repeat(n - 1)),
                kind("array", n -> new String[n]),
                kind("collection", n -> new ArrayList<>(IntStream.range(0, n).boxed().toList())),
                kind("collection", n -> new LinkedList<>(IntStream.range(0, n).boxed().toList())),
                kind("collection", n -> new ArrayDeque<>(IntStream.range(0, n).boxed().toList())),
                kind("collection", n -> new HashSet<>(IntStream.range(0, n).boxed().toList())),
                kind("set", n -> new TreeSet<>(IntStream.range(0, n).boxed().toList())),
                kind("map", n -> mapOf(new HashMap<>(), n / 2)),
                kind("map", n -> mapOf(new LinkedHashMap<>(), n / 2)),
                kind("map", n -> mapOf(new TreeMap<>(), n / 2)));
    }

    private static Arguments kind(String what, IntFunction<Object> make) {
        Object sample = make.apply(8);
        return Arguments.of(what, sample.getClass().getSimpleName(), make);
    }

    private static <M extends java.util.Map<Integer, Integer>> M mapOf(M map, int n) {
        for (int i = 0; i < n; i++) {
            map.put(i, i);
        }
        return map;
    }

    /**
     * A list of nulls, then a value of some thousands of elements: when each is read it announces no more than the
     * bytes left, so a bound per collection lets both through; together they announce more than the body may.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("sizedValues")
    void eachKindOfAnnouncedSizeSpendsFromTheSharedBudget(String what, String type, IntFunction<Object> make) throws Exception {
        ValueCodec any = kryo.codecFor(Object.class);
        Object value = make.apply(20_000);
        byte[] alone = encode(any, value);
        assertEquals(type, decodeInBudget(any, alone).valueOrThrow().getClass().getSimpleName(), "the value alone fits its body's budget");

        int nulls = alone.length - 16; // fewer than the bytes left when the list of nulls is read
        byte[] body = encode(any, new ArrayList<>(List.of(new ArrayList<>(Arrays.asList(new Object[nulls])), value)));
        Decoded d = decodeInBudget(any, body);
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, type + " after " + nulls + " nulls in a "
                + body.length + "-byte body: " + d.failure);
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains("decode budget"), e.getMessage());
    }

    @Test
    void stringBuilderSpendsItsCharCount() {
        Output out = new Output(64, -1);
        out.writeVarIntFlag(true, 1_000_001, true); // a UTF-8 string builder announcing a million chars
        out.writeBytes(new byte[PADDING]);
        byte[] bytes = out.toBytes();
        long previous = DecodeBudget.open(100);
        try {
            BoundedKryoInput in = new BoundedKryoInput(bytes, 0, bytes.length);
            CorruptBodyException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptBodyException.class, in::readStringBuilder);
            assertTrue(e.getMessage().contains("string"), e.getMessage());
        } finally {
            DecodeBudget.close(previous);
        }
    }

    @Test
    void javaTimeValuesAnnounceNothingButTheirZoneIdStringWhichIsBudgeted() throws Exception {
        // java.time serializers read fixed-size fields; a ZonedDateTime's zone id is a string, read through readString
        ValueCodec zoned = kryo.codecFor(java.time.ZonedDateTime.class);
        java.time.ZonedDateTime paris = java.time.ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, java.time.ZoneId.of("Europe/Paris"));
        byte[] legit = encode(zoned, paris);
        assertEquals(paris, decodeInBudget(zoned, legit).valueOrThrow());
        int at = indexOf(legit, "Europe/Pari".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // ASCII: no length written
        assertTrue(at > 0);
        Output out = new Output(64, -1);
        out.writeBytes(legit, 0, at);
        out.writeVarIntFlag(true, 1_000_001, true); // the zone id, now a UTF-8 string announcing a million chars
        out.writeBytes(new byte[PADDING]);
        Decoded d = decodeInBudget(zoned, out.toBytes());
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, String.valueOf(d.failure));
        assertTrue(e.getMessage().contains("string announces 1000000 elements"), e.getMessage());
        assertTrue(d.allocated < ALLOCATION_LIMIT, "allocated " + d.allocated);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void deeplyNestedBodyIsRefusedBeforeTheStackRunsOut() throws Exception {
        // 10,000 lists, each the only element of the one before: 20 KB, well within the budget
        byte[] deep = body(b -> b.repeat(10_000, x -> x.collection(ArrayList.class, false, 1)).nullValue());
        ValueCodec any = kryo.codecFor(Object.class);
        Throwable[] outcome = new Throwable[1];
        // a thread with a small stack: the refusal must come from the depth limit, not from a StackOverflowError
        Thread small = new Thread(null, () -> {
            try {
                Decoded d = decodeInBudget(any, deep);
                outcome[0] = d.failure == null ? new AssertionError("decoded") : d.failure;
            } catch (Throwable t) {
                outcome[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(30_000);
        assertFalse(small.isAlive(), "decode did not finish");
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, outcome[0], String.valueOf(outcome[0]));
        assertTrue(e.getMessage().contains("depth") && e.getMessage().contains(String.valueOf(KryoSerializer.MAX_DEPTH)), e.getMessage());

        // a legitimately nested value below the limit still round-trips
        List<Object> outer = new ArrayList<>();
        List<Object> level = outer;
        for (int i = 0; i < KryoSerializer.MAX_DEPTH - 2; i++) {
            List<Object> next = new ArrayList<>();
            level.add(next);
            level = next;
        }
        assertEquals(outer, decodeInBudget(any, encode(any, outer)).valueOrThrow());
    }

    @Test
    void listOfNullsOfAnyLengthUpToTheBudgetStillRoundTrips() throws Exception {
        // an all-null list costs three bytes: it must not be refused for being longer than the bytes left
        ValueCodec any = kryo.codecFor(Object.class);
        List<Object> nulls = new ArrayList<>(Arrays.asList(new Object[500]));
        assertEquals(nulls, decodeInBudget(any, encode(any, nulls)).valueOrThrow());
    }

    // ------------------------------------------------------------------ numbers

    @Test
    void bigIntegerOfAMillionDigitsIsRefused() throws Exception {
        BigInteger huge = BigInteger.TEN.pow(1_000_000).subtract(BigInteger.ONE);
        byte[] body = encode(kryo.codecFor(BigInteger.class), huge);
        Decoded d = decodeInBudget(kryo.codecFor(BigInteger.class), body);
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, String.valueOf(d.failure));
        assertTrue(e.getMessage().contains("digits") && e.getMessage().contains(String.valueOf(DecodeBudget.MAX_NUMBER_DIGITS)), e.getMessage());
        assertTrue(d.allocated < ALLOCATION_LIMIT, "allocated " + d.allocated);
    }

    @Test
    void bigDecimalWithAMillionDigitUnscaledValueIsRefused() throws Exception {
        BigDecimal huge = new BigDecimal(BigInteger.TEN.pow(1_000_000).negate(), 3);
        byte[] body = encode(kryo.codecFor(BigDecimal.class), huge);
        Decoded d = decodeInBudget(kryo.codecFor(BigDecimal.class), body);
        CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, String.valueOf(d.failure));
        assertTrue(e.getMessage().contains("digits") && e.getMessage().contains(String.valueOf(DecodeBudget.MAX_NUMBER_DIGITS)), e.getMessage());
    }

    @Test
    void bigDecimalWithAnExtremeScaleIsRefused() throws Exception {
        ValueCodec codec = kryo.codecFor(BigDecimal.class);
        for (int scale : new int[]{Integer.MAX_VALUE, Integer.MIN_VALUE, DecodeBudget.MAX_NUMBER_SCALE + 1}) {
            byte[] body = encode(codec, new BigDecimal(BigInteger.valueOf(7), scale));
            Decoded d = decodeInBudget(codec, body);
            CorruptBodyException e = assertInstanceOf(CorruptBodyException.class, d.failure, "scale " + scale + ": " + d.failure);
            assertTrue(e.getMessage().contains("scale " + scale), e.getMessage());
        }
        // the same with an unscaled value too big for a long (the other branch of the wire form)
        byte[] body = encode(codec, new BigDecimal(BigInteger.TEN.pow(30), Integer.MAX_VALUE));
        assertInstanceOf(CorruptBodyException.class, decodeInBudget(codec, body).failure);
    }

    @Test
    void numbersAtTheLimitsRoundTrip() throws Exception {
        BigInteger largest = BigInteger.TEN.pow(DecodeBudget.MAX_NUMBER_DIGITS).subtract(BigInteger.ONE); // 4096 nines
        ValueCodec ints = kryo.codecFor(BigInteger.class);
        assertEquals(largest, decodeInBudget(ints, encode(ints, largest)).valueOrThrow());
        assertEquals(largest.negate(), decodeInBudget(ints, encode(ints, largest.negate())).valueOrThrow());
        for (BigInteger small : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TEN, BigInteger.valueOf(-5), BigInteger.TWO.pow(64))) {
            assertEquals(small, decodeInBudget(ints, encode(ints, small)).valueOrThrow());
        }
        Decoded over = decodeInBudget(ints, encode(ints, largest.add(BigInteger.ONE))); // 4097 digits
        assertInstanceOf(CorruptBodyException.class, over.failure, String.valueOf(over.failure));

        ValueCodec decimals = kryo.codecFor(BigDecimal.class);
        for (BigDecimal d : List.of(new BigDecimal(largest, DecodeBudget.MAX_NUMBER_SCALE), new BigDecimal(largest, -DecodeBudget.MAX_NUMBER_SCALE),
                BigDecimal.ZERO, BigDecimal.ONE, new BigDecimal("-12.50"), BigDecimal.valueOf(Long.MIN_VALUE, 3))) {
            assertEquals(d, decodeInBudget(decimals, encode(decimals, d)).valueOrThrow());
        }
        assertNull(decodeInBudget(decimals, encode(decimals, null)).valueOrThrow());
    }

    // ------------------------------------------------------------------ helpers

    record Decoded(Object value, Throwable failure, long allocated) {
        Object valueOrThrow() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            if (failure != null) {
                throw new AssertionError(failure);
            }
            return value;
        }
    }

    /** Decodes a body as the server does: inside the body's budget, measuring what this thread allocates meanwhile. */
    static Decoded decodeInBudget(ValueCodec codec, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        Object value = null;
        Throwable failure = null;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long previous = DecodeBudget.open(body.length);
        try {
            value = codec.read(buf);
        } catch (Exception | OutOfMemoryError e) {
            failure = e;
        } finally {
            DecodeBudget.close(previous);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        buf.release();
        return new Decoded(value, failure, allocated);
    }

    static byte[] encode(ValueCodec codec, Object value) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.write(buf, value);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] padded(byte[] value) {
        return Arrays.copyOf(value, value.length + PADDING);
    }

    /** The fixed Kryo id of a JDK value type (100 + its index in {@link AllowList#JDK_VALUE_TYPES}). */
    private static int fixedId(Class<?> c) {
        int index = AllowList.JDK_VALUE_TYPES.indexOf(c);
        assertTrue(index >= 9, c + " has a fixed id of its own");
        return 100 + index;
    }

    private static byte[] body(java.util.function.Consumer<Body> content) {
        Body b = new Body();
        content.accept(b);
        return padded(b.out.toBytes());
    }

    /** Hand-written Kryo bytes, as an attacker writes them. */
    static final class Body {
        final Output out = new Output(1024, -1);

        Body classOf(Class<?> c) {
            out.writeVarInt(fixedId(c) + 2, true); // Kryo writes a class id + 2 (0 = null, 1 = a class name follows)
            return this;
        }

        Body collection(Class<?> type, boolean sameType, int size) {
            classOf(type);
            out.writeVarIntFlag(sameType, size + 1, true);
            return this;
        }

        /** A collection of {@code size} nulls: "all elements have the same type", and that type is null. Four bytes. */
        Body nulls(Class<?> type, int size) {
            collection(type, true, size);
            out.writeByte(0);
            return this;
        }

        Body map(Class<?> type, int size) {
            classOf(type);
            out.writeVarInt(size + 1, true);
            return this;
        }

        Body nullValue() {
            out.writeByte(0);
            return this;
        }

        private int nextKey;

        /** An Integer key (Kryo's own id 0), distinct each time so that a map keeps every entry. */
        Body integerKey() {
            out.writeVarInt(2, true);
            out.writeVarInt(nextKey++, false);
            return this;
        }

        Body repeat(int times, java.util.function.Consumer<Body> element) {
            for (int i = 0; i < times; i++) {
                element.accept(this);
            }
            return this;
        }
    }
}
