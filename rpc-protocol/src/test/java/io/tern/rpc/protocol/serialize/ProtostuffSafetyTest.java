package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.TestPojos.Address;
import io.tern.rpc.protocol.serialize.TestPojos.Color;
import io.tern.rpc.protocol.serialize.TestPojos.Person;
import io.tern.rpc.protocol.serialize.TestPojos.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Protostuff never puts a class name on the wire, and refuses at codec-building time every type that would need one. */
class ProtostuffSafetyTest {

    interface Sig {
        List<Person> people();

        Map<String, Person> peopleByName();

        List<Object> objects();

        Runnable task();
    }

    private static byte[] encode(Serializer s, Type type, Object value) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            s.codecFor(type).write(buf, value);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<String> forbiddenNames() {
        return List.of(Person.class.getName(), Address.class.getName(), Color.class.getName(), Point.class.getName(),
                "Person", "Address", "Color", "Point", "io.tern", "java.", "LocalDate", "ArrayList", "HashMap");
    }

    @Test
    void pojoGraphBytesCarryNoClassNames() throws Exception {
        Person ada = TestPojos.ada();
        byte[] bytes = encode(Serializers.protostuff(), Person.class, ada);
        for (String name : forbiddenNames()) {
            assertTrue(!contains(bytes, name), "protostuff bytes contain the class name " + name);
        }
        // the data itself is there, so the search would have found a name had one been written
        assertTrue(contains(bytes, "Main St 1"));
        assertTrue(contains(bytes, "Office Park"));
    }

    @Test
    void collectionsOfPojosCarryNoClassNames() throws Exception {
        Type people = Sig.class.getMethod("people").getGenericReturnType();
        Type byName = Sig.class.getMethod("peopleByName").getGenericReturnType();
        byte[] list = encode(Serializers.protostuff(), people, List.of(TestPojos.ada(), TestPojos.ada()));
        byte[] map = encode(Serializers.protostuff(), byName, Map.of("ada", TestPojos.ada()));
        for (String name : forbiddenNames()) {
            assertTrue(!contains(list, name), "List<Person> bytes contain " + name);
            assertTrue(!contains(map, name), "Map<String, Person> bytes contain " + name);
        }
    }

    @Test
    void theSearchFindsClassNamesWhereACodecDoesWriteThem() throws Exception {
        // control: a plain Kryo (registration not required) writes class names, and the same search finds them
        com.esotericsoftware.kryo.Kryo plain = new com.esotericsoftware.kryo.Kryo();
        plain.setRegistrationRequired(false);
        plain.setInstantiatorStrategy(new com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy(new org.objenesis.strategy.StdInstantiatorStrategy()));
        com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(256, -1);
        plain.writeClassAndObject(out, new Address("Main St 1", 1));
        byte[] kryo = out.toBytes();
        assertTrue(contains(kryo, Address.class.getName().substring(0, Address.class.getName().length() - 1)));
    }

    // ---- types protostuff would carry polymorphically: refused when the codec is built

    interface Shape {
    }

    abstract static class AbstractShape {
    }

    public static class WithObjectField {
        Object payload;
    }

    public static class WithInterfaceField {
        Shape outline;
    }

    public static class WithAbstractField {
        AbstractShape figure;
    }

    public static class WithListOfObject {
        List<Object> items;
    }

    public static class WithThrowableField {
        Throwable failure;
    }

    public static class WithNestedCollection {
        List<List<String>> rows;
    }

    public static class WithMapOfLists {
        Map<String, List<String>> groups;
    }

    public static class WithObjectArray {
        Address[] stops;
    }

    public static class WithJdkInternalField {
        java.io.File file;
    }

    public static class Inner {
        Object secret;
    }

    public static class Outer {
        String name;
        Inner inner;
    }

    static Stream<Arguments> refusedFields() {
        String concrete = "Declare a concrete class, or use rpc.serialization=kryo";
        return Stream.of(
                Arguments.of(WithObjectField.class, "WithObjectField.payload", "java.lang.Object", concrete),
                Arguments.of(WithInterfaceField.class, "WithInterfaceField.outline", Shape.class.getName(), concrete),
                Arguments.of(WithAbstractField.class, "WithAbstractField.figure", AbstractShape.class.getName(), concrete),
                Arguments.of(WithListOfObject.class, "WithListOfObject.items<element>", "java.lang.Object", concrete),
                Arguments.of(WithThrowableField.class, "WithThrowableField.failure", "java.lang.Throwable", concrete),
                Arguments.of(WithNestedCollection.class, "WithNestedCollection.rows<element>", "java.util.List", "wrap the inner one in a class"),
                Arguments.of(WithMapOfLists.class, "WithMapOfLists.groups<value>", "java.util.List", "wrap the inner one in a class"),
                Arguments.of(WithObjectArray.class, "WithObjectArray.stops", "[L", "use a List instead"),
                Arguments.of(WithJdkInternalField.class, "WithJdkInternalField.file", "java.io.File", concrete),
                Arguments.of(Outer.class, "Outer.inner > Inner.secret", "java.lang.Object", concrete));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusedFields")
    void polymorphicFieldIsRefusedNamingTheFieldAndTheRemedy(Class<?> pojo, String field, String typeName, String remedy) {
        Serializer s = new ProtostuffSerializer(new AllowList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.codecFor(pojo));
        String m = e.getMessage();
        assertTrue(m.contains(field), "names the field " + field + ": " + m);
        assertTrue(m.contains(typeName), "names the type " + typeName + ": " + m);
        assertTrue(m.contains(remedy), "suggests '" + remedy + "': " + m);
    }

    @Test
    void pojoInsideAListIsCheckedToo() throws Exception {
        Serializer s = new ProtostuffSerializer(new AllowList());
        Type t = ListHolder.class.getMethod("inners").getGenericReturnType();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.codecFor(t));
        assertTrue(e.getMessage().contains("Inner.secret"), e.getMessage());
    }

    interface ListHolder {
        List<Inner> inners();
    }

    @Test
    void objectAsADeclaredTypeIsRefused() {
        Serializer s = new ProtostuffSerializer(new AllowList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.codecFor(Object.class));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertTrue(e.getMessage().contains("Declare a concrete class"), e.getMessage());
    }

    @Test
    void interfaceAndObjectElementDeclaredTypesAreRefused() throws Exception {
        Serializer s = new ProtostuffSerializer(new AllowList());
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> s.codecFor(Sig.class.getMethod("task").getGenericReturnType()));
        assertTrue(task.getMessage().contains("java.lang.Runnable"), task.getMessage());
        IllegalArgumentException objects = assertThrows(IllegalArgumentException.class,
                () -> s.codecFor(Sig.class.getMethod("objects").getGenericReturnType()));
        assertTrue(objects.getMessage().contains("<element>"), objects.getMessage());
    }

    public static class FirstUser {
        Inner inner;
    }

    public static class SecondUser {
        Inner inner;
    }

    @Test
    void aRefusedPojoIsRefusedEveryTime() {
        Serializer s = new ProtostuffSerializer(new AllowList());
        assertThrows(IllegalArgumentException.class, () -> s.codecFor(WithObjectField.class));
        // a second attempt (another method with the same type, or a retried export) must not slip through
        assertThrows(IllegalArgumentException.class, () -> s.codecFor(WithObjectField.class));
    }

    @Test
    void aNestedRefusedPojoIsRefusedWhenReachedThroughAnotherClass() {
        Serializer s = new ProtostuffSerializer(new AllowList());
        assertThrows(IllegalArgumentException.class, () -> s.codecFor(FirstUser.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.codecFor(SecondUser.class));
        assertTrue(e.getMessage().contains("Inner.secret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.codecFor(Inner.class));
    }

    @Test
    void cyclicPojoTypesAreAcceptedAndRoundTrip() throws Exception {
        Serializer s = new ProtostuffSerializer(new AllowList());
        Node list = new Node("a", new Node("b", new Node("c", null)));
        ByteBuf buf = Unpooled.buffer();
        try {
            ValueCodec codec = s.codecFor(Node.class);
            codec.write(buf, list);
            assertEquals(list, codec.read(buf));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    public static class Node {
        String value;
        Node next;

        public Node() {
        }

        Node(String value, Node next) {
            this.value = value;
            this.next = next;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node n && java.util.Objects.equals(value, n.value) && java.util.Objects.equals(next, n.next);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(value, next);
        }
    }
}
