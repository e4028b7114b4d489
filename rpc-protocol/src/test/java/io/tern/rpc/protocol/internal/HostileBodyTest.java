package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;
import io.tern.rpc.testsupport.DecodeProbe;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies a hostile peer can send to a provider (or a provider to a consumer) that announce far more than they hold:
 * each must be refused as a corrupt body naming the limit, at once, before the decoder allocates for what was
 * announced (SPEC §2 limits). Legitimate values close to the limits still decode.
 */
class HostileBodyTest {
    private static final long FOUR_MIB = 4L << 20;
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** The declared types the attacks target. */
    interface Api {
        void rows(List<List<String>> rows);

        void groups(Map<String, List<Integer>> groups);

        void amount(BigDecimal amount);

        void count(BigInteger count);

        void names(List<String> names);
    }

    private static ValueCodec codec(String method) {
        for (java.lang.reflect.Method m : Api.class.getMethods()) {
            if (m.getName().equals(method)) {
                return Serializers.protostuff().codecFor(m.getGenericParameterTypes()[0]);
            }
        }
        throw new AssertionError("no method " + method);
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

    private static DecodeProbe.Outcome decodeArguments(String name, byte[] body, ValueCodec codec) {
        return DecodeProbe.run(name, () -> withBody(body, b -> MessageCodec.decodeArguments(b, new ValueCodec[]{codec})));
    }

    private interface BodyUse {
        void accept(ByteBuf body) throws Throwable;
    }

    private static void withBody(byte[] body, BodyUse use) throws Throwable {
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            use.accept(b);
        } finally {
            b.release();
        }
    }

    // ---------------------------------------------------------------- nested collections

    @Test
    void nestedListsAnnouncingMillionsOfElementsAreRefusedByTheBodyBudget() {
        ValueCodec rows = codec("rows");
        byte[] tiny = bytes(b -> {
            b.writeByte(1);
            Varints.writeVarint(b, 3_000_000);
            b.writeByte(1);
            Varints.writeVarint(b, 3_000_000);
            b.writeZero(8);
        });
        decodeArguments("List<List<String>> announcing 3M x 3M in " + tiny.length + " bytes", tiny, rows)
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "decode budget");
        // each count alone fits in the bytes left (the old per-collection bound), together they exceed the body:
        // 2.2M elements in 2 MB of zeros, which gzip carries in 2 KB
        byte[] padded = bytes(b -> {
            b.writeByte(1);
            Varints.writeVarint(b, 200_000);
            b.writeByte(1);
            Varints.writeVarint(b, 2_000_000);
            b.writeZero(2_000_000);
        });
        decodeArguments("List<List<String>> announcing 200k + 2M in " + padded.length + " bytes", padded, rows)
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "decode budget");
    }

    @Test
    void mapOfListsAnnouncingMillionsOfElementsIsRefusedByTheBodyBudget() {
        ValueCodec groups = codec("groups");
        byte[] tiny = bytes(b -> {
            b.writeByte(1);
            Varints.writeVarint(b, 3_000_000);
            b.writeZero(8);
        });
        decodeArguments("Map<String, List<Integer>> announcing 3M in " + tiny.length + " bytes", tiny, groups)
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "decode budget");
        byte[] padded = bytes(b -> {
            b.writeByte(1);
            Varints.writeVarint(b, 1_000_000); // entries
            b.writeByte(1);
            Varints.writeString(b, ""); // first key
            b.writeByte(1);
            Varints.writeVarint(b, 1_990_000); // first value: a list as long as the bytes left
            b.writeZero(1_990_000);
        });
        decodeArguments("Map<String, List<Integer>> announcing 1M + 1.99M in " + padded.length + " bytes", padded, groups)
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "decode budget");
    }

    @Test
    void aListOfAThousandEmptyStringsInASmallBodyDecodes() throws Throwable {
        ValueCodec names = codec("names");
        List<String> empty = Collections.nCopies(1000, "");
        byte[] body = bytes(b -> {
            try {
                names.write(b, new ArrayList<>(empty));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(body.length < 2100, "two bytes an element: " + body.length);
        withBody(body, b -> assertEquals(empty, MessageCodec.decodeArguments(b, new ValueCodec[]{names})[0]));
    }

    // ---------------------------------------------------------------- numbers

    private static byte[] numberText(String text) {
        return bytes(b -> {
            b.writeByte(1);
            Varints.writeString(b, text);
        });
    }

    @Test
    void aMillionDigitBigDecimalArgumentIsRefusedBeforeParsing() {
        byte[] body = numberText("7".repeat(1_000_000) + ".5");
        decodeArguments("BigDecimal of 1,000,001 digits", body, codec("amount"))
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "over the limit of 4096 digits");
    }

    @Test
    void aMillionDigitBigIntegerArgumentIsRefusedBeforeParsing() {
        byte[] body = numberText("-" + "7".repeat(1_000_000));
        decodeArguments("BigInteger of 1,000,000 digits", body, codec("count"))
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "over the limit of 4096 digits");
    }

    @Test
    void aBigDecimalWithAHugeScaleIsRefused() {
        for (String text : new String[]{"1E-999999999", "1E+999999999", "0." + "0".repeat(5000) + "1"}) {
            decodeArguments("BigDecimal " + text.substring(0, Math.min(12, text.length())), numberText(text), codec("amount"))
                    .refused(CorruptBodyException.class, "4096");
        }
    }

    @Test
    void numbersOf4096DigitsStillDecode() throws Throwable {
        BigInteger digits = new BigInteger("9".repeat(4096));
        List<Object[]> cases = List.of(
                new Object[]{"amount", new BigDecimal(digits, 4096)}, // 0.999…: a leading zero is not a digit of the number
                new Object[]{"amount", new BigDecimal(digits.negate(), -4096)},
                new Object[]{"amount", new BigDecimal(digits, 17)},
                new Object[]{"count", digits.negate()});
        for (Object[] c : cases) {
            ValueCodec codec = codec((String) c[0]);
            byte[] body = bytes(b -> {
                try {
                    codec.write(b, c[1]);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            withBody(body, b -> assertEquals(c[1], MessageCodec.decodeArguments(b, new ValueCodec[]{codec})[0]));
        }
    }

    // ---------------------------------------------------------------- attachments

    private static void routingPrefix(ByteBuf b) {
        Varints.writeString(b, "svc");
        Varints.writeString(b, "m");
        Varints.writeVarint(b, 0);
    }

    /** 350,000 distinct 5-character keys with null values: the quadratic attachment block of issue 11. */
    private static void manyAttachments(ByteBuf b) {
        Varints.writeVarint(b, 350_000);
        for (int i = 0; i < 350_000; i++) {
            String key = Integer.toString(36 * 36 * 36 * 36 + i, 36);
            Varints.writeString(b, key);
            Varints.writeString(b, null);
        }
    }

    @Test
    void anAttachmentBlockOf350000KeysIsRefusedAtItsCount() {
        byte[] request = bytes(b -> {
            routingPrefix(b);
            manyAttachments(b);
        });
        byte[] response = bytes(b -> {
            b.writeByte(Status.OK.code());
            manyAttachments(b);
        });
        assertTrue(request.length > 2_000_000 && request.length < 2_600_000, "about 2 MiB: " + request.length);
        String limit = "attachments: 350000 entries, over the limit of 64";
        List<DecodeProbe.Outcome> outcomes = List.of(
                DecodeProbe.run("request head with 350,000 attachments", () -> withBody(request, MessageCodec::decodeRequestHead)),
                DecodeProbe.run("cached-route attachments (350,000)", () -> withBody(request, b -> {
                    b.skipBytes(MessageCodec.routingPrefixLength(b));
                    MessageCodec.decodeAttachments(b);
                })),
                DecodeProbe.run("response with 350,000 attachments", () -> withBody(response, b -> MessageCodec.decodeResponse(b, null))));
        for (DecodeProbe.Outcome o : outcomes) {
            o.cpuLessThan(Duration.ofMillis(50)).allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, limit);
        }
    }

    private static byte[] requestWithAttachments(Map<String, String> attachments) {
        return bytes(b -> {
            routingPrefix(b);
            Varints.writeVarint(b, attachments.size());
            attachments.forEach((k, v) -> {
                Varints.writeString(b, k);
                Varints.writeString(b, v);
            });
        });
    }

    /** 64 attachments with 256-byte keys, six of them with 8 KiB values: exactly 64 KiB of keys and values. */
    private static Map<String, String> attachmentsAtTheLimits() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < 64; i++) {
            String key = String.format("%03d", i) + "k".repeat(253);
            m.put(key, i < 6 ? "v".repeat(8192) : "");
        }
        return m;
    }

    @Test
    void attachmentsOverEachLimitAreRefusedNamingIt() {
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 65; i++) {
            tooMany.put("k" + i, "v");
        }
        Map<String, String> longKey = Map.of("k".repeat(257), "v");
        Map<String, String> longValue = Map.of("trace", "v".repeat(8193));
        Map<String, String> tooMuch = attachmentsAtTheLimits();
        tooMuch.put(new ArrayList<>(tooMuch.keySet()).get(6), "v"); // one byte over 64 KiB, every entry within its own limits
        Object[][] cases = {
                {tooMany, "attachments: 65 entries, over the limit of 64"},
                {longKey, "257 bytes, over the limit of 256 bytes"},
                {longValue, "8193 bytes, over the limit of 8192 bytes"},
                {tooMuch, "over the limit of 65536 bytes"}};
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> attachments = (Map<String, String>) c[0];
            byte[] body = requestWithAttachments(attachments);
            DecodeProbe.run("attachments: " + c[1], () -> withBody(body, MessageCodec::decodeRequestHead))
                    .refused(CorruptBodyException.class, (String) c[1]);
            // our own encoder never sends what a server refuses
            RpcRequest request = new RpcRequest("svc", "m", new String[0], new Object[0], attachments);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MessageCodec.encodeRequest(ALLOC, 1, Serializers.protostuff(), Compression.NONE, request, new ValueCodec[0]));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
        }
        IllegalArgumentException named = assertThrows(IllegalArgumentException.class, () -> MessageCodec.encodeRequest(ALLOC, 1,
                Serializers.protostuff(), Compression.NONE, new RpcRequest("svc", "m", new String[0], new Object[0], longValue), new ValueCodec[0]));
        assertTrue(named.getMessage().contains("'trace'"), "names the key: " + named.getMessage());
    }

    @Test
    void lengthsAnnouncedFarBeyondTheBodyAreRefusedByTheirLimit() {
        byte[] key = bytes(b -> {
            routingPrefix(b);
            Varints.writeVarint(b, 1);
            Varints.writeVarint(b, (1 << 30) + 1); // a 1 GiB key in a 20-byte body
        });
        DecodeProbe.run("attachment key announcing 1 GiB", () -> withBody(key, MessageCodec::decodeRequestHead))
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "attachment key of 1073741824 bytes, over the limit of 256 bytes");
        byte[] value = bytes(b -> {
            routingPrefix(b);
            Varints.writeVarint(b, 1);
            Varints.writeString(b, "k");
            Varints.writeVarint(b, -1); // 2^32 - 1: the largest length a varint can announce
        });
        DecodeProbe.run("attachment value announcing 4 GiB", () -> withBody(value, MessageCodec::decodeRequestHead))
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "attachment value of 4294967294 bytes, over the limit of 8192 bytes");
        byte[] serviceKey = bytes(b -> Varints.writeVarint(b, Integer.MAX_VALUE));
        DecodeProbe.run("service key announcing 2 GiB", () -> withBody(serviceKey, MessageCodec::decodeRequestHead))
                .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "service key of 2147483646 bytes, over the limit of 1024 bytes");
    }

    @Test
    void attachmentsAtEveryLimitRoundTrip() throws Throwable {
        Map<String, String> atLimits = attachmentsAtTheLimits();
        int total = atLimits.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        assertEquals(64 * 1024, total);
        RpcRequest request = new RpcRequest("svc", "m", new String[0], new Object[0], atLimits);
        ByteBuf frame = MessageCodec.encodeRequest(ALLOC, 1, Serializers.protostuff(), Compression.NONE, request, new ValueCodec[0]);
        try {
            frame.skipBytes(FrameHeader.LENGTH);
            assertEquals(atLimits, MessageCodec.decodeRequestHead(frame).attachments());
        } finally {
            frame.release();
        }
    }

    // ---------------------------------------------------------------- response errors, routing prefix

    /** An APPLICATION_ERROR response whose one error announces {@code frames} frames and holds {@code held}. */
    private static byte[] errorWithFrames(int frames, int held) {
        return bytes(b -> {
            b.writeByte(Status.APPLICATION_ERROR.code());
            Varints.writeVarint(b, 0);
            Varints.writeVarint(b, 1);
            Varints.writeString(b, "java.lang.IllegalStateException");
            Varints.writeString(b, "boom");
            Varints.writeVarint(b, frames);
            for (int i = 0; i < held; i++) {
                b.writeByte(0); // class, method, file: null
                b.writeByte(0);
                b.writeByte(0);
                Varints.writeVarint(b, 2); // line 0
            }
        });
    }

    @Test
    void anErrorAnnouncingAMillionStackFramesIsRefused() {
        for (int held : new int[]{0, 1_000_000}) {
            byte[] body = errorWithFrames(1_000_000, held);
            DecodeProbe.run("error announcing 10^6 frames in " + body.length + " bytes", () -> withBody(body, b -> MessageCodec.decodeResponse(b, null)))
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "1000000 stack frames, over the limit of 64");
        }
        byte[] ok = errorWithFrames(64, 64);
        DecodeProbe.Outcome decoded = DecodeProbe.run("error with 64 frames", () -> withBody(ok, b ->
                assertEquals(64, MessageCodec.decodeResponse(b, null).errors().get(0).stackTrace().length)));
        assertNull(decoded.thrown());
    }

    private static byte[] requestAnnouncingParameters(int count, int held) {
        return bytes(b -> {
            Varints.writeString(b, "svc");
            Varints.writeString(b, "m");
            Varints.writeVarint(b, count);
            b.writeZero(held); // null descriptors
            Varints.writeVarint(b, 0);
        });
    }

    @Test
    void aRequestAnnouncingAMillionParameterTypesIsRefused() {
        for (int held : new int[]{0, 1_000_000}) {
            byte[] body = requestAnnouncingParameters(1_000_000, held);
            DecodeProbe.run("request announcing 10^6 parameter types in " + body.length + " bytes", () -> withBody(body, MessageCodec::decodeRequestHead))
                    .allocatedLessThan(FOUR_MIB).refused(CorruptBodyException.class, "1000000 parameter types, over the limit of 255");
        }
        byte[] max = requestAnnouncingParameters(255, 255);
        DecodeProbe.Outcome decoded = DecodeProbe.run("request with 255 parameter types", () -> withBody(max, b ->
                assertEquals(255, MessageCodec.decodeRequestHead(b).parameterTypes().length)));
        assertNull(decoded.thrown());
    }

    @Test
    void routingStringsOverTheirLimitAreRefusedNamingIt() {
        String big = "x".repeat(1025);
        Object[][] cases = {
                {new String[]{big, "m"}, new String[0], "service key of 1025 bytes, over the limit of 1024 bytes"},
                {new String[]{"svc", big}, new String[0], "method name of 1025 bytes, over the limit of 1024 bytes"},
                {new String[]{"svc", "m"}, new String[]{"int", big}, "parameter type of 1025 bytes, over the limit of 1024 bytes"}};
        for (Object[] c : cases) {
            String[] names = (String[]) c[0];
            String[] types = (String[]) c[1];
            byte[] body = bytes(b -> {
                Varints.writeString(b, names[0]);
                Varints.writeString(b, names[1]);
                Varints.writeVarint(b, types.length);
                for (String t : types) {
                    Varints.writeString(b, t);
                }
                Varints.writeVarint(b, 0);
            });
            DecodeProbe.run("routing: " + c[2], () -> withBody(body, MessageCodec::decodeRequestHead))
                    .refused(CorruptBodyException.class, (String) c[2]);
            assertThrows(IllegalArgumentException.class, () -> MessageCodec.routingPrefix(names[0], names[1], types));
        }
        String[] limit = {"x".repeat(1024)};
        byte[] prefix = MessageCodec.routingPrefix(limit[0], limit[0], limit);
        ByteBuf b = Unpooled.wrappedBuffer(prefix, new byte[]{0});
        try {
            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(b);
            assertArrayEquals(limit, head.parameterTypes());
        } finally {
            b.release();
        }
    }
}
