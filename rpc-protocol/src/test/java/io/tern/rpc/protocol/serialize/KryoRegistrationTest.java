package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.TestPojos.Address;
import io.tern.rpc.protocol.serialize.TestPojos.Color;
import io.tern.rpc.protocol.serialize.TestPojos.Kitchen;
import io.tern.rpc.protocol.serialize.TestPojos.Labelled;
import io.tern.rpc.protocol.serialize.TestPojos.Person;
import io.tern.rpc.protocol.serialize.TestPojos.Point;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kryo registration: identical on both peers without coordination, stable across versions. The JDK value types keep
 * fixed ids; every other allowed class takes an id derived from its name, so ids do not depend on the order in which
 * services are exported or referenced, and allowing a type never moves another.
 */
class KryoRegistrationTest {

    /** The wire ids of the JDK value types, in {@link AllowList#JDK_VALUE_TYPES} order. Never change one: append. */
    private static final List<Map.Entry<Class<?>, Integer>> GOLDEN_FIXED_IDS = List.of(
            Map.entry(String.class, 1), // Kryo's own ids for String and the boxes
            Map.entry(Boolean.class, 3),
            Map.entry(Byte.class, 4),
            Map.entry(Short.class, 6),
            Map.entry(Character.class, 5),
            Map.entry(Integer.class, 0),
            Map.entry(Long.class, 7),
            Map.entry(Float.class, 2),
            Map.entry(Double.class, 8),
            Map.entry(BigDecimal.class, 109),
            Map.entry(BigInteger.class, 110),
            Map.entry(UUID.class, 111),
            Map.entry(Date.class, 112),
            Map.entry(ArrayList.class, 113),
            Map.entry(LinkedList.class, 114),
            Map.entry(ArrayDeque.class, 115),
            Map.entry(HashMap.class, 116),
            Map.entry(LinkedHashMap.class, 117),
            Map.entry(TreeMap.class, 118),
            Map.entry(HashSet.class, 119),
            Map.entry(LinkedHashSet.class, 120),
            Map.entry(TreeSet.class, 121),
            Map.entry(Instant.class, 122),
            Map.entry(LocalDate.class, 123),
            Map.entry(LocalTime.class, 124),
            Map.entry(LocalDateTime.class, 125),
            Map.entry(OffsetDateTime.class, 126),
            Map.entry(OffsetTime.class, 127),
            Map.entry(ZonedDateTime.class, 128),
            Map.entry(Duration.class, 129),
            Map.entry(Period.class, 130),
            Map.entry(Year.class, 131),
            Map.entry(YearMonth.class, 132),
            Map.entry(MonthDay.class, 133),
            Map.entry(ZoneOffset.class, 134),
            Map.entry(DayOfWeek.class, 135),
            Map.entry(Month.class, 136),
            Map.entry(ZoneId.of("Europe/Paris").getClass(), 137));

    @Test
    void everyFixedJdkIdIsPinned() {
        KryoSerializer kryo = new KryoSerializer(new AllowList());
        assertEquals(GOLDEN_FIXED_IDS.size(), AllowList.JDK_VALUE_TYPES.size(), "a JDK value type was added: pin its id here");
        for (int i = 0; i < GOLDEN_FIXED_IDS.size(); i++) {
            Class<?> c = GOLDEN_FIXED_IDS.get(i).getKey();
            assertEquals(c, AllowList.JDK_VALUE_TYPES.get(i), "JDK_VALUE_TYPES may only be appended to");
            assertEquals(GOLDEN_FIXED_IDS.get(i).getValue(), kryo.registeredId(c), c.getName());
        }
        assertTrue(AllowList.FIRST_FIXED_ID + AllowList.JDK_VALUE_TYPES.size() < AllowList.FIRST_HASH_ID);
    }

    @Test
    void nameDerivedIdsArePinned() {
        // String.hashCode of the binary name, its low 27 bits, above 65,536: the same on every JVM and version
        assertEquals(67_769_941, AllowList.hashId("io.tern.demo.HelloService"));
        assertEquals(99_476_477, AllowList.hashId("com.example.Order"));
        assertEquals(68_430, AllowList.hashId("[I"));
        assertEquals(124_352_325, AllowList.hashId("[Ljava.lang.String;"));
        assertEquals(121_190_088, AllowList.hashId("java.util.concurrent.TimeUnit"));
        assertEquals(10_373_163, AllowList.hashId("io.tern.rpc.protocol.serialize.TestPojos$Address"));
        for (String name : List.of("a", "io.tern.demo.HelloService", "x".repeat(1000), "[[[Lz;")) {
            int id = AllowList.hashId(name);
            assertTrue(id >= AllowList.FIRST_HASH_ID && id + 2 < 1 << 28, name + ": id " + id + " fits a four-byte varint");
        }
    }

    @Test
    void anAllowedClassIsRegisteredWithTheIdOfItsName() {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        kryo.codecFor(Person.class);
        for (Class<?> c : List.of(Person.class, Address.class, Color.class, Point.class)) {
            assertEquals(AllowList.hashId(c.getName()), kryo.registeredId(c), c.getName());
        }
        assertEquals(-1, kryo.registeredId(Kitchen.class), "not reachable from Person");
    }

    interface ServiceA {
        Person person(List<Address> addresses);

        Kitchen kitchen(int[] ints, String[][] names) throws java.io.IOException;
    }

    interface ServiceB {
        Map<String, Labelled> labelled(TimeUnit unit, Color[] colors);
    }

    private static final List<Class<?>> SHARED = List.of(Person.class, Address.class, Color.class, Point.class, Kitchen.class,
            Labelled.class, int[].class, String[][].class, String[].class, Color[].class, TimeUnit.class, java.io.IOException.class);

    @Test
    void idsAreTheSameWhateverTheOrderServicesAreExportedOrReferencedIn() throws Exception {
        AllowList forward = new AllowList();
        for (java.lang.reflect.Method m : ServiceA.class.getMethods()) {
            forward.allowSignature(m);
        }
        for (java.lang.reflect.Method m : ServiceB.class.getMethods()) {
            forward.allowSignature(m);
        }
        AllowList backward = new AllowList();
        for (java.lang.reflect.Method m : ServiceB.class.getMethods()) {
            backward.allowSignature(m);
        }
        List<java.lang.reflect.Method> aMethods = new ArrayList<>(List.of(ServiceA.class.getMethods()));
        java.util.Collections.reverse(aMethods);
        for (java.lang.reflect.Method m : aMethods) {
            backward.allowSignature(m);
        }
        KryoSerializer one = new KryoSerializer(forward);
        KryoSerializer other = new KryoSerializer(backward);
        for (Class<?> c : SHARED) {
            int id = one.registeredId(c);
            assertEquals(AllowList.hashId(c.getName()), id, c.getName());
            assertEquals(id, other.registeredId(c), c.getName());
        }
        // so the bytes are the same, and each side reads the other's
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("person", TestPojos.ada());
        value.put("kitchen", Kitchen.sample());
        value.put("labelled", new Labelled("l", new Address("a", 1)));
        value.put("colors", new Color[]{Color.RED, Color.BLUE});
        value.put("unit", TimeUnit.SECONDS);
        value.put("names", new String[][]{{"a"}, {"b", null}});
        byte[] fromOne = encode(one.codecFor(Object.class), value);
        byte[] fromOther = encode(other.codecFor(Object.class), value);
        assertArrayEquals(fromOne, fromOther);
        Map<?, ?> back = (Map<?, ?>) decode(other.codecFor(Object.class), fromOne);
        assertEquals(TestPojos.ada(), back.get("person"));
        assertEquals(TimeUnit.SECONDS, back.get("unit"));
        assertArrayEquals(new Color[]{Color.RED, Color.BLUE}, (Color[]) back.get("colors"));
    }

    @Test
    void allowingAnotherTypeMovesNoId() {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        kryo.codecFor(Person.class);
        Map<Class<?>, Integer> before = new HashMap<>();
        for (Class<?> c : List.of(Person.class, Address.class, Color.class, Point.class, ArrayList.class, String.class)) {
            before.put(c, kryo.registeredId(c));
        }
        kryo.codecFor(Kitchen.class);
        kryo.codecFor(Labelled[].class);
        before.forEach((c, id) -> assertEquals(id, kryo.registeredId(c), c.getName()));
        assertNotEquals(-1, kryo.registeredId(Kitchen.class));
    }

    @Test
    void bytesCarryNoClassName() throws Exception {
        KryoSerializer kryo = new KryoSerializer(new AllowList());
        byte[] bytes = encode(kryo.codecFor(Person.class), TestPojos.ada());
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String name : List.of("Person", "Address", "Point", "Color", "io.tern", "java.")) {
            assertFalse(text.contains(name), "the bytes name " + name);
        }
        assertTrue(text.contains("Main St"), "the search would have found text");
    }

    @Test
    void writingAClassThatIsNotRegisteredFailsSayingWhatToDo() {
        KryoSerializer kryo = new KryoSerializer(new AllowList());
        ValueCodec any = kryo.codecFor(Object.class);
        for (Object value : List.<Object>of(new Kitchen(), Optional.of(1), new StringBuilder("x"), new ArrayList<>(List.of(new Point(1, 2))))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encode(any, value));
            String name = value instanceof ArrayList ? Point.class.getName() : value.getClass().getName();
            assertTrue(e.getMessage().contains("class " + name + " is not registered"), e.getMessage());
            assertTrue(e.getMessage().contains("method signature") && e.getMessage().contains("allowClass(" + name + ".class)"), e.getMessage());
        }
        // the thread's Kryo is still usable
        assertEquals(List.of("fine"), decodeQuietly(any, List.of("fine")));
    }

    // ---------------------------------------------------------------- collisions

    /** "Aa" and "BB" have the same String.hashCode, so these two binary names do too. */
    static class Aa {
        int x;
    }

    static class BB {
        int y;
    }

    record HoldsBoth(Aa aa, BB bb, Address address) {
    }

    @Test
    void twoAllowedNamesWithTheSameIdAreRefusedWhenTheSecondIsAllowed() {
        assertEquals(AllowList.hashId(Aa.class.getName()), AllowList.hashId(BB.class.getName()), "the premise: the names collide");
        AllowList allowList = new AllowList();
        allowList.allowClass(Aa.class);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> allowList.allowClass(BB.class));
        assertTrue(e.getMessage().contains(BB.class.getName()) && e.getMessage().contains(Aa.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("Kryo id " + AllowList.hashId(Aa.class.getName())), e.getMessage());
        assertFalse(allowList.isAllowed(BB.class));
        // refused again, not half-allowed the first time
        assertThrows(IllegalStateException.class, () -> allowList.allowClass(BB.class));
        assertTrue(allowList.isAllowed(Aa.class));
    }

    @Test
    void aSignatureReachingTwoCollidingClassesAllowsNothing() throws Exception {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kryo.codecFor(HoldsBoth.class));
        assertTrue(e.getMessage().contains(BB.class.getName()) && e.getMessage().contains(Aa.class.getName()), e.getMessage());
        for (Class<?> c : List.of(HoldsBoth.class, Aa.class, BB.class, Address.class)) {
            assertFalse(allowList.isAllowed(c), c.getName());
            assertEquals(-1, kryo.registeredId(c), c.getName());
        }
    }

    @Test
    void theSameNameFromAnotherClassLoaderTakesTheIdOver() throws Exception {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        kryo.codecFor(Address.class);
        assertEquals(AllowList.hashId(Address.class.getName()), kryo.registeredId(Address.class));
        // an application restarted in place (a fresh class loader) allows a class of the same name again
        java.net.URL classes = Address.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader fresh = new java.net.URLClassLoader(new java.net.URL[]{classes}, null)) {
            Class<?> reloaded = Class.forName(Address.class.getName(), false, fresh);
            assertNotEquals(Address.class, reloaded);
            allowList.allowClass(reloaded);
            assertEquals(reloaded, allowList.lookup(Address.class.getName()));
            assertEquals(AllowList.hashId(Address.class.getName()), kryo.registeredId(reloaded));
        }
    }

    // ---------------------------------------------------------------- growth at run time

    @Test
    void eachThreadsKryoCatchesUpWithClassesAllowedLater() throws Exception {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        ValueCodec any = kryo.codecFor(Object.class);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            // that thread's Kryo exists before Address is allowed
            assertEquals("x", thread.submit(() -> decode(any, encode(any, "x"))).get());
            java.util.concurrent.ExecutionException notYet = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> thread.submit(() -> encode(any, new Address("a", 1))).get());
            assertTrue(notYet.getCause() instanceof IllegalArgumentException, String.valueOf(notYet.getCause()));
            kryo.codecFor(Address.class); // a service exported later
            assertEquals(new Address("a", 1), thread.submit(() -> decode(any, encode(any, new Address("a", 1)))).get());
            assertEquals(new Address("b", 2), decode(any, encode(any, new Address("b", 2))));
        } finally {
            thread.shutdownNow();
            assertTrue(thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------- every announced size goes through a budgeted reader

    @Test
    void everyRegisteredContainerAndNumberUsesABudgetedSerializer() {
        AllowList allowList = new AllowList();
        KryoSerializer kryo = new KryoSerializer(allowList);
        for (Class<?> array : List.of(String[].class, Address[].class, int[][].class, Object[].class, boolean[].class, byte[].class,
                int[].class, long[].class, float[].class, double[].class, short[].class, char[].class)) {
            kryo.codecFor(array);
        }
        for (Class<?> c : AllowList.JDK_VALUE_TYPES) {
            Class<?> s = kryo.serializerClass(c);
            if (Collection.class.isAssignableFrom(c)) {
                assertTrue(s == BoundedKryoSerializers.BoundedCollectionSerializer.class || s == BoundedKryoSerializers.SortedSetSerializer.class, c + ": " + s);
            } else if (Map.class.isAssignableFrom(c)) {
                assertTrue(s == BoundedKryoSerializers.BoundedMapSerializer.class || s == BoundedKryoSerializers.SortedMapSerializer.class, c + ": " + s);
            }
        }
        assertEquals(BoundedKryoSerializers.BoundedBigIntegerSerializer.class, kryo.serializerClass(BigInteger.class));
        assertEquals(BoundedKryoSerializers.BoundedBigDecimalSerializer.class, kryo.serializerClass(BigDecimal.class));
        for (Class<?> array : List.of(String[].class, Address[].class, int[][].class, Object[].class)) {
            assertEquals(BoundedKryoSerializers.BoundedObjectArraySerializer.class, kryo.serializerClass(array), array.getName());
        }
        assertEquals(BoundedKryoSerializers.BoundedBooleanArraySerializer.class, kryo.serializerClass(boolean[].class));
        // Kryo's own primitive array serializers allocate through Input.readX(length), which BoundedKryoInput budgets
        assertEquals(DefaultArraySerializers.IntArraySerializer.class, kryo.serializerClass(int[].class));
        assertEquals(DefaultArraySerializers.ByteArraySerializer.class, kryo.serializerClass(byte[].class));
        assertEquals(DefaultArraySerializers.CharArraySerializer.class, kryo.serializerClass(char[].class));
        // POJOs: fields, no announced size of their own
        kryo.codecFor(Address.class);
        assertTrue(FieldSerializer.class.isAssignableFrom(kryo.serializerClass(Address.class)));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] encode(ValueCodec codec, Object value) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.write(buf, value);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static Object decode(ValueCodec codec, byte[] bytes) throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Object value = codec.read(buf);
            assertEquals(0, buf.readableBytes(), "all bytes consumed");
            return value;
        } finally {
            buf.release();
        }
    }

    private static Object decodeQuietly(ValueCodec codec, Object value) {
        try {
            return decode(codec, encode(codec, value));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
