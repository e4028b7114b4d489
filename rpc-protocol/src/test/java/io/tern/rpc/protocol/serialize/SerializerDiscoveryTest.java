package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Third-party serializers found by ServiceLoader: {@link ToySerializer} is listed for this module's tests (see its
 * header); clashes are checked on lists, so the real class path stays valid.
 */
class SerializerDiscoveryTest {
    static final List<Serializer> BUILT_INS = List.of(Serializers.protostuff(), Serializers.kryo());

    @Test
    void aListedSerializerIsFoundByNameAndId() {
        Serializer toy = Serializers.byName("toy");
        assertInstanceOf(ToySerializer.class, toy);
        assertSame(toy, Serializers.byName(" Toy "));
        assertSame(toy, Serializers.byId(ToySerializer.ID));
        assertSame(toy, Serializers.all()[ToySerializer.ID]);
        assertEquals(ToySerializer.ID + 1, Serializers.all().length);
        assertNull(Serializers.byId(ToySerializer.ID + 1));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Serializers.byName("xml"));
        assertEquals("unknown serialization 'xml': use protostuff, kryo or toy", e.getMessage());

        ValueCodec codec = toy.codecFor(String.class);
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.write(buf, "grüß dich");
            assertEquals("grüß dich", codec.read(buf));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        } finally {
            buf.release();
        }
    }

    @Test
    void theBuiltInsKeepTheirIdsAndNames() {
        assertSame(Serializers.protostuff(), Serializers.byId(1));
        assertSame(Serializers.kryo(), Serializers.byId(2));
        assertSame(Serializers.protostuff(), Serializers.byName("protostuff"));
        assertSame(Serializers.kryo(), Serializers.byName("KRYO"));
        assertNull(Serializers.byId(0));
        assertNull(Serializers.byId(-1));
        assertEquals("protostuff or kryo", SerializerTable.of(BUILT_INS, List.of()).names());
    }

    @Test
    void aSecondSerializerForAnIdIsRefusedNamingBoth() {
        String builtInClash = refused(List.of(new PluginA(1, "json")));
        assertTrue(builtInClash.contains("codec id 1") && builtInClash.contains(ProtostuffSerializer.class.getName())
                && builtInClash.contains(PluginA.class.getName()) && builtInClash.contains("3..127"), builtInClash);

        String pluginClash = refused(List.of(new PluginA(9, "json"), new PluginB(9, "yaml")));
        assertTrue(pluginClash.contains("codec id 9") && pluginClash.contains(PluginA.class.getName())
                && pluginClash.contains(PluginB.class.getName()), pluginClash);
    }

    @Test
    void aSecondSerializerForANameIsRefusedNamingBoth() {
        String m = refused(List.of(new PluginA(9, "kryo")));
        assertTrue(m.contains("'kryo'") && m.contains(KryoSerializer.class.getName()) && m.contains(PluginA.class.getName()), m);

        m = refused(List.of(new PluginA(9, "json"), new PluginB(10, "json")));
        assertTrue(m.contains("'json'") && m.contains(PluginA.class.getName()) && m.contains(PluginB.class.getName()), m);
    }

    @Test
    void idsOutsideTheCodecByteAndUnusableNamesAreRefused() {
        for (int id : new int[]{0, -1, (byte) 200}) {
            String m = refused(List.of(new PluginA(id, "json")));
            assertTrue(m.contains("codec id " + (byte) id) && m.contains("3..127") && m.contains(PluginA.class.getName()), m);
        }
        for (String name : new String[]{"Json", "a,b", "", " json", null}) {
            String m = refused(List.of(new PluginA(9, name)));
            assertTrue(m.contains("named '" + name + "'") && m.contains(PluginA.class.getName()), m);
        }
    }

    @Test
    void serializersWithTheirOwnIdsAndNamesAreIndexed() {
        SerializerTable table = SerializerTable.of(BUILT_INS, List.of(new PluginA(9, "json"), new PluginB(127, "yaml")));
        assertEquals(128, table.byId().length);
        assertInstanceOf(PluginA.class, table.byId()[9]);
        assertInstanceOf(PluginB.class, table.byName("yaml"));
        assertNull(table.byId()[3]);
        assertEquals("protostuff, kryo, json or yaml", table.names());
    }

    private static String refused(List<Serializer> plugins) {
        return assertThrows(IllegalStateException.class, () -> SerializerTable.of(BUILT_INS, plugins)).getMessage();
    }

    /** A serializer of a given id and name; two classes, so a clash message can be seen to name both. */
    static class PluginA implements Serializer {
        private final byte id;
        private final String name;

        PluginA(int id, String name) {
            this.id = (byte) id;
            this.name = name;
        }

        @Override
        public byte id() {
            return id;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ValueCodec codecFor(Type declaredType) {
            throw new IllegalArgumentException("carries nothing");
        }
    }

    static final class PluginB extends PluginA {
        PluginB(int id, String name) {
            super(id, name);
        }
    }
}
