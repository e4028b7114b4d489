package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.TestPojos.Address;
import io.tern.rpc.protocol.serialize.TestPojos.Color;
import io.tern.rpc.protocol.serialize.TestPojos.Kitchen;
import io.tern.rpc.protocol.serialize.TestPojos.Labelled;
import io.tern.rpc.protocol.serialize.TestPojos.Person;
import io.tern.rpc.protocol.serialize.TestPojos.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every value kind a signature may declare round-trips through both codecs, consuming exactly its own bytes. */
class SerializerRoundTripTest {

    /** The declared (generic) types under test, one per method. */
    interface Sig {
        boolean z(); byte b(); short s(); char c(); int i(); long j(); float f(); double d();

        Boolean zBox(); Byte bBox(); Short sBox(); Character cBox(); Integer iBox(); Long jBox(); Float fBox(); Double dBox();

        String str(); Color color();

        int[] ints(); String[] strings(); byte[] bytes(); Address[] addresses(); long[] longs();

        List<Person> people(); Set<Integer> intSet(); Map<String, Set<Integer>> mapOfSets(); SortedMap<String, Integer> sorted();

        List<List<String>> nested(); List<String> stringList(); Map<String, Address> addressMap(); List<Color> colors(); SortedSet<String> sortedSet();

        Person person(); Address address(); Kitchen kitchen(); Point point(); Labelled labelled();

        Instant instant(); LocalDate localDate(); LocalTime localTime(); LocalDateTime localDateTime(); OffsetDateTime offsetDateTime();

        ZonedDateTime zonedDateTime(); Duration duration(); Period period();

        BigDecimal bigDecimal(); BigInteger bigInteger(); UUID uuid(); Date date();
    }

    static Type type(String method) {
        try {
            return Sig.class.getMethod(method).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<String> serializers() {
        return Stream.of("protostuff", "kryo");
    }

    /** Writes then reads {@code value} as {@code declared}; asserts the buffer is fully consumed. */
    static Object roundTrip(Serializer serializer, Type declared, Object value) throws Exception {
        ValueCodec codec = serializer.codecFor(declared);
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.write(buf, value);
            buf.writeByte(0x5A); // a sentinel: the reader must stop exactly at the end of its own value
            Object back = codec.read(buf);
            assertEquals(1, buf.readableBytes(), "the codec must consume exactly the bytes it wrote");
            assertEquals(0x5A, buf.readByte());
            return back;
        } finally {
            buf.release();
        }
    }

    record Case(String label, String method, Object value) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // primitives and their extremes
        for (boolean v : new boolean[]{true, false}) c.add(new Case("boolean " + v, "z", v));
        for (byte v : new byte[]{0, -1, Byte.MIN_VALUE, Byte.MAX_VALUE}) c.add(new Case("byte " + v, "b", v));
        for (short v : new short[]{0, -1, Short.MIN_VALUE, Short.MAX_VALUE}) c.add(new Case("short " + v, "s", v));
        for (char v : new char[]{'a', 'é', '\u0000', '\uFFFF', '日'}) c.add(new Case("char " + (int) v, "c", v));
        for (int v : new int[]{0, 1, -1, 63, -64, 64, Integer.MIN_VALUE, Integer.MAX_VALUE}) c.add(new Case("int " + v, "i", v));
        for (long v : new long[]{0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40}) c.add(new Case("long " + v, "j", v));
        for (float v : new float[]{0f, -0f, Float.NaN, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 3.25f}) c.add(new Case("float " + v, "f", v));
        for (double v : new double[]{0d, -0d, Double.NaN, Double.MAX_VALUE, Double.POSITIVE_INFINITY, -1e-300}) c.add(new Case("double " + v, "d", v));
        // boxes
        c.add(new Case("Boolean", "zBox", Boolean.TRUE));
        c.add(new Case("Byte", "bBox", (byte) -128));
        c.add(new Case("Short", "sBox", (short) 31000));
        c.add(new Case("Character", "cBox", 'ß'));
        c.add(new Case("Integer", "iBox", Integer.MIN_VALUE));
        c.add(new Case("Long", "jBox", Long.MIN_VALUE));
        c.add(new Case("Float", "fBox", -1.5f));
        c.add(new Case("Double", "dBox", Math.PI));
        // strings
        c.add(new Case("String ascii", "str", "hello"));
        c.add(new Case("String empty", "str", ""));
        c.add(new Case("String non-ASCII", "str", "Grüße, 日本語, Ελληνικά, emoji 😀, nul \u0000 end"));
        c.add(new Case("String long", "str", "x".repeat(100_000)));
        // enums
        for (Color color : Color.values()) c.add(new Case("enum " + color, "color", color));
        // top-level arrays
        c.add(new Case("int[]", "ints", new int[]{Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}));
        c.add(new Case("int[] empty", "ints", new int[0]));
        c.add(new Case("long[]", "longs", new long[]{Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        c.add(new Case("String[] with null", "strings", new String[]{"a", null, "", "ü"}));
        c.add(new Case("byte[]", "bytes", new byte[]{0, -1, 127, -128}));
        c.add(new Case("byte[] empty", "bytes", new byte[0]));
        c.add(new Case("POJO[]", "addresses", new Address[]{new Address("A", 1), null, new Address("B", 2)}));
        // collections at top level
        c.add(new Case("List<POJO>", "people", new ArrayList<>(List.of(TestPojos.ada(), new Person()))));
        c.add(new Case("List<POJO> empty", "people", new ArrayList<>()));
        c.add(new Case("Set<Integer>", "intSet", new LinkedHashSet<>(List.of(3, 1, 2))));
        Map<String, Set<Integer>> mapOfSets = new HashMap<>();
        mapOfSets.put("odd", new LinkedHashSet<>(List.of(1, 3, 5)));
        mapOfSets.put("none", new LinkedHashSet<>());
        c.add(new Case("Map<String,Set<Integer>>", "mapOfSets", mapOfSets));
        c.add(new Case("SortedMap", "sorted", new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3))));
        c.add(new Case("List<List<String>>", "nested", new ArrayList<>(List.of(new ArrayList<>(List.of("a", "b")), new ArrayList<>(), new ArrayList<>(List.of("c"))))));
        c.add(new Case("List<String> with null element", "stringList", new ArrayList<>(Arrays.asList("a", null, "b"))));
        c.add(new Case("Map<String,POJO>", "addressMap", new HashMap<>(Map.of("x", new Address("X", 9)))));
        c.add(new Case("List<enum>", "colors", new ArrayList<>(List.of(Color.BLUE, Color.RED))));
        c.add(new Case("SortedSet", "sortedSet", new TreeSet<>(Set.of("b", "a"))));
        // POJOs and records
        c.add(new Case("POJO graph", "person", TestPojos.ada()));
        c.add(new Case("POJO with null fields", "person", new Person()));
        c.add(new Case("POJO with every scalar field kind", "kitchen", Kitchen.sample()));
        c.add(new Case("POJO with default values", "kitchen", new Kitchen()));
        c.add(new Case("record", "point", new Point(-1, Integer.MAX_VALUE)));
        c.add(new Case("record holding a POJO", "labelled", new Labelled("home", new Address("Main St 1", 12345))));
        c.add(new Case("record holding nulls", "labelled", new Labelled(null, null)));
        // java.time
        c.add(new Case("Instant", "instant", Instant.parse("2024-02-29T12:34:56.123456789Z")));
        c.add(new Case("Instant before epoch", "instant", Instant.ofEpochSecond(-1, 1)));
        c.add(new Case("LocalDate", "localDate", LocalDate.of(2024, 2, 29)));
        c.add(new Case("LocalTime", "localTime", LocalTime.of(23, 59, 59, 999_999_999)));
        c.add(new Case("LocalDateTime", "localDateTime", LocalDateTime.of(1999, 12, 31, 23, 59, 58, 1)));
        c.add(new Case("OffsetDateTime", "offsetDateTime", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHoursMinutes(5, 30))));
        c.add(new Case("ZonedDateTime region", "zonedDateTime", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))));
        c.add(new Case("ZonedDateTime offset", "zonedDateTime", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneOffset.UTC)));
        c.add(new Case("Duration", "duration", Duration.ofSeconds(-5, 123)));
        c.add(new Case("Period", "period", Period.of(1, -2, 3)));
        // other JDK values
        c.add(new Case("BigDecimal", "bigDecimal", new BigDecimal("-1234567890.123456789012345678901234567890")));
        c.add(new Case("BigDecimal scale", "bigDecimal", new BigDecimal("1.10")));
        c.add(new Case("BigInteger", "bigInteger", new BigInteger("-123456789012345678901234567890123456789")));
        c.add(new Case("UUID", "uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
        c.add(new Case("Date", "date", new Date(-86_400_001L)));
        return c;
    }

    static Stream<Arguments> serializerAndCase() {
        return serializers().flatMap(s -> cases().stream().map(c -> Arguments.of(s, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("serializerAndCase")
    void valueRoundTripsEqualAndConsumesExactlyItsBytes(String serializer, Case c) throws Exception {
        Object back = roundTrip(Serializers.byName(serializer), type(c.method()), c.value());
        assertTrue(Objects.deepEquals(c.value(), back), () -> "expected " + show(c.value()) + " but got " + show(back));
        if (c.value() != null && !c.value().getClass().isArray()) {
            assertEquals(c.value().hashCode(), back.hashCode());
        }
    }

    static Stream<Arguments> serializerAndObjectTypedMethod() {
        return serializers().flatMap(s -> Arrays.stream(Sig.class.getMethods())
                .filter(m -> !m.getReturnType().isPrimitive())
                .map(Method::getName).sorted().map(m -> Arguments.of(s, m)));
    }

    @ParameterizedTest(name = "{0}: null as {1}")
    @MethodSource("serializerAndObjectTypedMethod")
    void nullRoundTripsForEveryObjectType(String serializer, String method) throws Exception {
        assertNull(roundTrip(Serializers.byName(serializer), type(method), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializers")
    void immutableInputsArriveAsEqualCollections(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        assertEquals(List.of(TestPojos.ada()), roundTrip(s, type("people"), List.of(TestPojos.ada())));
        assertEquals(List.of(), roundTrip(s, type("people"), List.of()));
        assertEquals(List.of("a", "b"), roundTrip(s, type("stringList"), Collections.unmodifiableList(new ArrayList<>(List.of("a", "b")))));
        assertEquals(List.of("only"), roundTrip(s, type("stringList"), Collections.singletonList("only")));
        assertEquals(List.of("x", "y"), roundTrip(s, type("stringList"), Arrays.asList("x", "y")));
        assertEquals(Map.of("k", Set.of(1, 2)), roundTrip(s, type("mapOfSets"), Map.of("k", Set.of(1, 2))));
        assertEquals(Map.of("k", Set.of()), roundTrip(s, type("mapOfSets"), Collections.unmodifiableMap(Map.of("k", Collections.emptySet()))));
        assertEquals(Set.of(1, 2, 3), roundTrip(s, type("intSet"), Set.of(1, 2, 3)));
        assertEquals(List.of(List.of("a"), List.of()), roundTrip(s, type("nested"), List.of(List.of("a"), List.of())));
        // immutable collections inside a POJO
        Person p = new Person("Bob", 1, null, Collections.unmodifiableList(new ArrayList<>(List.of(new Address("a", 1)))),
                Map.of("k", new Address("b", 2)), null, null, null);
        assertEquals(p, roundTrip(s, type("person"), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializers")
    void decodedContainersHaveTheDeclaredKind(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        Object sorted = roundTrip(s, type("sorted"), new TreeMap<>(Map.of("b", 2, "a", 1)));
        assertInstanceOf(SortedMap.class, sorted);
        assertEquals(List.of("a", "b"), new ArrayList<>(((SortedMap<?, ?>) sorted).keySet()));
        assertInstanceOf(Set.class, roundTrip(s, type("intSet"), Set.of(1)));
        assertInstanceOf(List.class, roundTrip(s, type("people"), List.of()));
        assertInstanceOf(int[].class, roundTrip(s, type("ints"), new int[]{1}));
        assertInstanceOf(Address[].class, roundTrip(s, type("addresses"), new Address[0]));
    }

    /** Sorted views (not themselves on the allow-list) must still arrive as the declared sorted type. */
    private static void assertSortedViewsArriveSorted(Serializer s) throws Exception {
        TreeMap<String, Integer> tree = new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3));
        for (SortedMap<String, Integer> view : List.<SortedMap<String, Integer>>of(Collections.unmodifiableSortedMap(tree), tree.headMap("c"),
                Collections.emptySortedMap())) {
            Object back = roundTrip(s, type("sorted"), view);
            assertInstanceOf(SortedMap.class, back);
            assertEquals(view, back);
        }
        SortedSet<String> set = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of("y", "x")));
        Object back = roundTrip(s, type("sortedSet"), set);
        assertInstanceOf(SortedSet.class, back);
        assertEquals(set, back);
    }

    @Test
    void protostuffSortedViewsArriveAsEqualSortedCollections() throws Exception {
        assertSortedViewsArriveSorted(Serializers.protostuff());
    }

    @Test
    void kryoSortedViewsArriveAsEqualSortedCollections() throws Exception {
        assertSortedViewsArriveSorted(Serializers.kryo());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializers")
    void severalValuesInOneBufferAreReadBackInOrder(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        ValueCodec str = s.codecFor(String.class);
        ValueCodec person = s.codecFor(Person.class);
        ValueCodec ints = s.codecFor(int[].class);
        ByteBuf buf = Unpooled.buffer();
        try {
            str.write(buf, "first");
            person.write(buf, TestPojos.ada());
            ints.write(buf, new int[]{7});
            str.write(buf, null);
            assertEquals("first", str.read(buf));
            assertEquals(TestPojos.ada(), person.read(buf));
            assertTrue(Arrays.equals(new int[]{7}, (int[]) ints.read(buf)));
            assertNull(str.read(buf));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    private static String show(Object o) {
        if (o == null || !o.getClass().isArray()) {
            return String.valueOf(o);
        }
        return Arrays.deepToString(new Object[]{o});
    }
}
