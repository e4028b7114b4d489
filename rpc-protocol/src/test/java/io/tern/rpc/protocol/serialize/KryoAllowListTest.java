package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.TestPojos.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kryo carries class names, but a name read from the wire resolves only through the allow-list: hand-crafted bytes
 * naming another class fail to decode and the named class is never initialised.
 */
class KryoAllowListTest {
    /** Referenced only as strings: the test must not load or initialise the class itself. */
    private static final String EVIL = "io.tern.rpc.protocol.serialize.EvilPayload";
    private static final String EVIL_FLAG = "tern.evil.initialised";
    private static final String GOOD = GoodPayload.class.getName();

    interface Sig {
        List<GoodPayload> payloads();
    }

    private AllowList allowList;
    private KryoSerializer kryo;

    @BeforeEach
    void setUp() {
        assertEquals(GOOD.length(), EVIL.length(), "patching needs names of equal length");
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

    /**
     * Replaces the GoodPayload class name with EvilPayload's in Kryo bytes. Kryo writes an ASCII name with the high
     * bit set on its last character, so the search leaves the last character out; the names differ only in "Good"/"Evil".
     */
    private static byte[] patchToEvil(byte[] bytes) {
        byte[] prefix = GOOD.substring(0, GOOD.length() - 1).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, prefix);
        assertTrue(at >= 0, "the Kryo bytes carry the class name " + GOOD);
        byte[] patched = bytes.clone();
        byte[] evil = EVIL.substring(0, EVIL.length() - 1).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(evil, 0, patched, at, evil.length);
        assertEquals(-1, indexOf(patched, prefix), "only one occurrence, now replaced");
        return patched;
    }

    @Test
    void unpatchedBytesOfAnAllowedClassDecode() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        GoodPayload good = new GoodPayload("hi", 7);
        assertEquals(good, decode(codec, encode(codec, good)));
    }

    @Test
    void bytesNamingAClassOffTheAllowListFailWithoutInitialisingIt() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        byte[] evil = patchToEvil(encode(codec, new GoodPayload("hi", 7)));

        ByteBuf buf = Unpooled.wrappedBuffer(evil);
        try {
            CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> codec.read(buf));
            assertTrue(e.getMessage().contains(EVIL), e.getMessage());
            assertTrue(e.getMessage().contains("allow-list"), e.getMessage());
        } finally {
            buf.release();
        }
        assertNull(System.getProperty(EVIL_FLAG));
    }

    @Test
    void unlistedClassInsideAListOfAllowedPojosIsRefused() throws Exception {
        Type listType = Sig.class.getMethod("payloads").getGenericReturnType();
        ValueCodec codec = kryo.codecFor(listType);
        byte[] evil = patchToEvil(encode(codec, new ArrayList<>(List.of(new GoodPayload("a", 1)))));
        assertThrows(CorruptBodyException.class, () -> decode(codec, evil));
        assertNull(System.getProperty(EVIL_FLAG));
    }

    @Test
    void decoderStaysUsableAfterARefusedClass() throws Exception {
        ValueCodec codec = kryo.codecFor(GoodPayload.class);
        byte[] good = encode(codec, new GoodPayload("again", 2));
        assertThrows(CorruptBodyException.class, () -> decode(codec, patchToEvil(good)));
        // the per-thread Kryo must not keep class-name state from the failed read
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
        assertTrue(e.getMessage().contains(GOOD), e.getMessage());
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
        byte[] special = encode(codec, new SpecialPayload("s", 5));
        CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> decode(codec, special));
        assertTrue(e.getMessage().contains(SpecialPayload.class.getName()), e.getMessage());

        allowList.allowClass(SpecialPayload.class);
        assertEquals(new SpecialPayload("s", 5), decode(codec, special));
    }
}
