package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.TestPojos.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kryo carries no class names: a class travels as its registration id, and only the classes on the allow-list are
 * registered. Hand-crafted bytes that tag a class by name, or by the id a class off the allow-list would have, fail
 * to decode, and the class is never loaded or initialised.
 */
class KryoAllowListTest {
    /** Referenced only as strings: the test must not load or initialise the class itself. */
    private static final String EVIL = "io.tern.rpc.protocol.serialize.EvilPayload";
    private static final String EVIL_FLAG = "tern.evil.initialised";

    interface Sig {
        List<GoodPayload> payloads();
    }

    private AllowList allowList;
    private KryoSerializer kryo;

    @BeforeEach
    void setUp() {
        allowList = new AllowList();
        kryo = new KryoSerializer(allowList);
    }

    @AfterEach
    void evilWasNeverInitialised() {
        assertNull(System.getProperty(EVIL_FLAG), EVIL + " was initialised");
        assertFalse(allowList.names().contains(EVIL));
    }

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

    /** Kryo bytes tagging a class by name, as Kryo writes an unregistered class: tag 1, a name id, the ASCII name. */
    private static byte[] namedClass(String className) {
        Output out = new Output(128, -1);
        out.writeVarInt(1, true);
        out.writeVarInt(0, true);
        out.writeAscii(className);
        out.writeString("text"); // what its fields would hold
        out.writeVarInt(7, false);
        return out.toBytes();
    }

    /** Kryo bytes tagging a class by the id its name would have if it were allowed. */
    private static byte[] hashIdOf(String className) {
        Output out = new Output(128, -1);
        out.writeVarInt(AllowList.hashId(className) + 2, true);
        out.writeString("text");
        out.writeVarInt(7, false);
        return out.toBytes();
    }

    private static void assertRefused(ValueCodec codec, byte[] bytes, String... expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> codec.read(buf));
            for (String x : expected) {
                assertTrue(e.getMessage().contains(x), e.getMessage());
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void bytesOfAnAllowedClassDecode() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        GoodPayload good = new GoodPayload("hi", 7);
        assertEquals(good, decode(codec, encode(codec, good)));
    }

    @Test
    void aClassTaggedByNameIsRefusedUnread() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        assertRefused(codec, namedClass(EVIL), "class names are not accepted");
        // even the name of an allowed class: names are never read
        assertRefused(codec, namedClass(GoodPayload.class.getName()), "class names are not accepted");
        assertNull(System.getProperty(EVIL_FLAG));
    }

    @Test
    void theIdOfAClassOffTheAllowListIsRefusedWithoutLoadingIt() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        assertRefused(codec, hashIdOf(EVIL), "class id " + AllowList.hashId(EVIL) + " is not registered here");
        assertNull(System.getProperty(EVIL_FLAG));
    }

    @Test
    void unlistedClassInsideAListOfAllowedPojosIsRefused() throws Exception {
        Type listType = Sig.class.getMethod("payloads").getGenericReturnType();
        ValueCodec codec = kryo.codecFor(listType);
        Map<String, byte[]> elements = Map.of("is not registered here", hashIdOf(EVIL), "class names are not accepted", namedClass(EVIL));
        for (Map.Entry<String, byte[]> element : elements.entrySet()) {
            Output out = new Output(128, -1);
            out.writeVarInt(100 + AllowList.JDK_VALUE_TYPES.indexOf(ArrayList.class) + 2, true);
            out.writeVarIntFlag(false, 2, true); // one element, types may differ: each element carries its class
            out.writeBytes(element.getValue());
            assertRefused(codec, out.toBytes(), element.getKey());
        }
        assertNull(System.getProperty(EVIL_FLAG));
    }

    @Test
    void decoderStaysUsableAfterARefusedClass() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        byte[] good = encode(codec, new GoodPayload("again", 2));
        assertRefused(codec, namedClass(EVIL));
        assertRefused(codec, hashIdOf(EVIL));
        // the per-thread Kryo must not keep state from the failed reads
        assertEquals(new GoodPayload("again", 2), decode(codec, good));
        assertEquals(new GoodPayload("again", 2), decode(codec, good));
    }

    @Test
    void listOfAllowedPojosRoundTrips() throws Exception {
        Type listType = Sig.class.getMethod("payloads").getGenericReturnType();
        ValueCodec codec = kryo.codecFor(listType);
        List<GoodPayload> list = new ArrayList<>(List.of(new GoodPayload("a", 1), new GoodPayload(null, -1), new GoodPayload("ü", 3)));
        list.add(null);
        assertEquals(list, decode(codec, encode(codec, list)));
        assertEquals(List.of(new GoodPayload("x", 0)), decode(codec, encode(codec, List.of(new GoodPayload("x", 0)))));
    }

    @Test
    void allowedClassThatIsNotTheDeclaredTypeIsRefused() throws Exception {
        ValueCodec goodCodec = kryo.codecFor(GoodPayload.class);
        ValueCodec addressCodec = kryo.codecFor(Address.class);
        byte[] address = encode(addressCodec, new Address("Main St", 1));
        CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> decode(goodCodec, address));
        assertTrue(e.getMessage().contains(GoodPayload.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(Address.class.getName()), e.getMessage());

        // a JDK value of the wrong type is refused the same way
        byte[] string = encode(kryo.codecFor(String.class), "not a payload");
        assertThrows(CorruptBodyException.class, () -> decode(goodCodec, string));
    }

    /** A subclass a signature does not reveal. */
    public static class SpecialPayload extends GoodPayload {
        public SpecialPayload() {
        }

        SpecialPayload(String text, int number) {
            super(text, number);
        }
    }

    @Test
    void subclassNotRevealedBySignaturesIsRefusedUntilAllowedExplicitly() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        // this side cannot write it: the message names the class and what to do
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> encode(codec, new SpecialPayload("s", 5)));
        assertTrue(w.getMessage().contains(SpecialPayload.class.getName()), w.getMessage());
        assertTrue(w.getMessage().contains("method signature") && w.getMessage().contains("allowClass"), w.getMessage());

        // a peer that allowed it writes it; this side refuses it until it allows it too
        AllowList peerList = new AllowList();
        KryoSerializer peer = new KryoSerializer(peerList);
        peerList.allowClass(SpecialPayload.class);
        byte[] special = encode(peer.codecFor(GoodPayload.class), new SpecialPayload("s", 5));
        assertRefused(codec, special, "class id " + AllowList.hashId(SpecialPayload.class.getName()) + " is not registered here");

        allowList.allowClass(SpecialPayload.class);
        assertEquals(new SpecialPayload("s", 5), decode(codec, special));
        assertEquals(new SpecialPayload("t", 6), decode(codec, encode(codec, new SpecialPayload("t", 6))));
    }
}
