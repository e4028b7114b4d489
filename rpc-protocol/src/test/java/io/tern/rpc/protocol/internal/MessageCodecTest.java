package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.RemoteException;
import io.tern.rpc.protocol.serialize.AllowList;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MessageCodecTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** The service signature the envelopes carry. */
    interface Api {
        String greet(String name, int times, String[] tags, List<Integer> numbers);

        Map<String, List<String>> lookup();
    }

    private static Method greet() throws NoSuchMethodException {
        return Api.class.getMethod("greet", String.class, int.class, String[].class, List.class);
    }

    private static ValueCodec[] argCodecs(Serializer s) throws NoSuchMethodException {
        return Arrays.stream(greet().getGenericParameterTypes()).map(s::codecFor).toArray(ValueCodec[]::new);
    }

    private static ValueCodec resultCodec(Serializer s) throws NoSuchMethodException {
        return s.codecFor(Api.class.getMethod("lookup").getGenericReturnType());
    }

    private static RpcRequest request() {
        Map<String, String> attachments = new HashMap<>();
        attachments.put(RpcRequest.DEADLINE_MS, "2999");
        attachments.put(RpcRequest.ATTEMPT, "1");
        attachments.put("trace-id", "äöü-日本");
        attachments.put("empty", "");
        attachments.put("absent", null);
        return new RpcRequest("io.tern.demo.HelloService:2.0@blue", "greet",
                new String[]{"java.lang.String", "int", "[Ljava.lang.String;", "java.util.List"},
                new Object[]{"Ada", 3, new String[]{"x", null}, List.of(1, -2, 3)}, attachments);
    }

    /** Reads an encoded frame's header as SPEC §2 lays it out (the decoder itself is rpc-transport's); caller releases. */
    private static Frame throughDecoder(ByteBuf encoded) {
        try {
            assertEquals(FrameHeader.MAGIC, encoded.getInt(0));
            assertEquals(encoded.readableBytes(), encoded.getInt(FrameHeader.OFFSET_LENGTH));
            return Frame.of(encoded.getByte(FrameHeader.OFFSET_TYPE), encoded.getByte(FrameHeader.OFFSET_CODEC),
                    encoded.getByte(FrameHeader.OFFSET_COMPRESS), encoded.getInt(FrameHeader.OFFSET_REQUEST_ID),
                    encoded.retainedSlice(FrameHeader.LENGTH, encoded.readableBytes() - FrameHeader.LENGTH));
        } finally {
            encoded.release();
        }
    }

    private static byte[] requestBody(Serializer s) throws Exception {
        ByteBuf frame = MessageCodec.encodeRequest(ALLOC, 1, s, Compression.NONE, request(), argCodecs(s));
        try {
            return ByteBufUtil.getBytes(frame, FrameHeader.LENGTH, frame.readableBytes() - FrameHeader.LENGTH);
        } finally {
            frame.release();
        }
    }

    private static byte[] responseBody(Serializer s, RpcResponse response) throws Exception {
        ByteBuf frame = MessageCodec.encodeResponse(ALLOC, 1, s, Compression.NONE, response, resultCodec(s));
        try {
            return ByteBufUtil.getBytes(frame, FrameHeader.LENGTH, frame.readableBytes() - FrameHeader.LENGTH);
        } finally {
            frame.release();
        }
    }

    private static RpcResponse decodeResponse(byte[] body, ValueCodec codec) {
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            return MessageCodec.decodeResponse(b, codec);
        } finally {
            b.release();
        }
    }

    private static IllegalStateException nestedFailure() {
        try {
            try {
                throw new IOException("disk on fire: ü");
            } catch (IOException e) {
                throw new IllegalStateException("could not save", e);
            }
        } catch (IllegalStateException e) {
            return e;
        }
    }

    /** The encoder keeps at most the top 64 frames of each stack. */
    private static StackTraceElement[] top64(StackTraceElement[] st) {
        return Arrays.copyOf(st, Math.min(64, st.length));
    }

    private static void assertSameFrames(StackTraceElement[] expected, StackTraceElement[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].getClassName(), actual[i].getClassName());
            assertEquals(expected[i].getMethodName(), actual[i].getMethodName());
            assertEquals(expected[i].getFileName(), actual[i].getFileName());
            assertEquals(expected[i].getLineNumber(), actual[i].getLineNumber());
        }
    }

    // ---------------------------------------------------------------- round trips

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void requestRoundTripsWithDescriptorsArgumentsAndAttachments(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        RpcRequest sent = request();
        Frame f = throughDecoder(MessageCodec.encodeRequest(ALLOC, 0x7FFFFFFF, s, Compression.NONE, sent, argCodecs(s)));
        try {
            assertEquals(MessageType.REQUEST, f.type());
            assertEquals(s.id(), f.codec());
            assertEquals(FrameHeader.COMPRESS_NONE, f.compress());
            assertEquals(0x7FFFFFFF, f.requestId());
            ByteBuf body = f.body();
            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(body);
            assertEquals(sent.serviceKey(), head.serviceKey());
            assertEquals(sent.methodName(), head.methodName());
            assertArrayEquals(sent.parameterTypes(), head.parameterTypes());
            assertEquals(sent.attachments(), head.attachments());
            Object[] args = MessageCodec.decodeArguments(body, argCodecs(s));
            assertTrue(Arrays.deepEquals(sent.arguments(), args), Arrays.deepToString(args));
        } finally {
            f.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void requestWithNoArgumentsAndNoAttachmentsRoundTrips(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        RpcRequest sent = new RpcRequest("svc", "ping", new String[0], new Object[0], Map.of());
        Frame f = throughDecoder(MessageCodec.encodeRequest(ALLOC, 3, s, Compression.NONE, sent, new ValueCodec[0]));
        try {
            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(f.body());
            assertEquals("svc", head.serviceKey());
            assertEquals(0, head.parameterTypes().length);
            assertTrue(head.attachments().isEmpty());
            assertEquals(0, MessageCodec.decodeArguments(f.body(), new ValueCodec[0]).length);
        } finally {
            f.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void okResponseRoundTripsResultAndAttachments(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        Map<String, List<String>> result = new HashMap<>(Map.of("a", List.of("1", "2"), "b", List.of()));
        RpcResponse sent = new RpcResponse(Status.OK, result, List.of(), Map.of("server", "p1", "elapsed-ms", "12"));
        Frame f = throughDecoder(MessageCodec.encodeResponse(ALLOC, 44, s, Compression.NONE, sent, resultCodec(s)));
        try {
            assertEquals(MessageType.RESPONSE, f.type());
            assertEquals(44, f.requestId());
            RpcResponse got = MessageCodec.decodeResponse(f.body(), resultCodec(s));
            assertEquals(Status.OK, got.status());
            assertEquals(result, got.result());
            assertEquals(sent.attachments(), got.attachments());
            assertTrue(got.errors().isEmpty());
            assertEquals(0, f.body().readableBytes());
        } finally {
            f.release();
        }
        assertNull(decodeResponse(responseBody(s, RpcResponse.ok(null)), resultCodec(s)).result());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void errorChainRoundTripsWithClassNamesMessagesAndStackTraces(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        IllegalStateException failure = nestedFailure();
        RpcResponse sent = new RpcResponse(Status.APPLICATION_ERROR, null, RpcResponse.RemoteError.chainOf(failure), Map.of("k", "v"));
        RpcResponse got = decodeResponse(responseBody(s, sent), resultCodec(s));
        assertEquals(Status.APPLICATION_ERROR, got.status());
        assertEquals(Map.of("k", "v"), got.attachments());
        assertEquals(2, got.errors().size());
        assertEquals(IllegalStateException.class.getName(), got.errors().get(0).className());
        assertEquals("could not save", got.errors().get(0).message());
        assertEquals(IOException.class.getName(), got.errors().get(1).className());
        assertEquals("disk on fire: ü", got.errors().get(1).message());
        assertSameFrames(top64(failure.getStackTrace()), got.errors().get(0).stackTrace());
        assertSameFrames(top64(failure.getCause().getStackTrace()), got.errors().get(1).stackTrace());
        assertEquals("could not save", got.message());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Status.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
    void everyNonOkStatusRoundTripsWithItsMessage(Status status) throws Exception {
        RpcResponse got = decodeResponse(responseBody(Serializers.protostuff(), RpcResponse.status(status, "because " + status)), null);
        assertSame(status, got.status());
        assertEquals("because " + status, got.message());
        assertNull(got.errors().get(0).className());
        assertNull(got.result());
    }

    @Test
    void statusCodesMatchTheSpec() {
        Status[] expected = {Status.OK, Status.APPLICATION_ERROR, Status.SERVICE_NOT_FOUND, Status.METHOD_NOT_FOUND,
                Status.BAD_REQUEST, Status.SERVER_BUSY, Status.DEADLINE_EXCEEDED, Status.SHUTTING_DOWN, Status.INTERNAL_ERROR};
        for (int code = 0; code < expected.length; code++) {
            assertEquals(code, expected[code].code());
            assertSame(expected[code], Status.ofCode(code));
        }
        assertNull(Status.ofCode(9));
        assertNull(Status.ofCode(-1));
    }

    @Test
    void stackTraceIsCappedAt64FramesAndKeepsNativeUnknownLinesAndMissingFiles() throws Exception {
        StackTraceElement[] stack = new StackTraceElement[100];
        for (int i = 0; i < stack.length; i++) {
            stack[i] = new StackTraceElement("com.example.C" + i, "m" + i, i % 3 == 0 ? null : "C.java", i % 4 == 0 ? -2 : i % 4 == 1 ? -1 : i);
        }
        RpcResponse sent = new RpcResponse(Status.APPLICATION_ERROR, null,
                List.of(new RpcResponse.RemoteError("com.example.Boom", null, stack)), Map.of());
        RpcResponse got = decodeResponse(responseBody(Serializers.protostuff(), sent), null);
        StackTraceElement[] back = got.errors().get(0).stackTrace();
        assertEquals(64, back.length);
        assertSameFrames(Arrays.copyOf(stack, 64), back);
        assertTrue(back[0].isNativeMethod());
        assertNull(got.errors().get(0).message());
        assertEquals(Status.APPLICATION_ERROR.name(), got.message());
    }

    @Test
    void errorChainOfACauseCycleIsBounded() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        List<RpcResponse.RemoteError> chain = RpcResponse.RemoteError.chainOf(b);
        assertEquals(8, chain.size());
        assertEquals("b", chain.get(0).message());
        assertEquals("a", chain.get(1).message());
    }

    // ---------------------------------------------------------------- bad bodies

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void requestBodyTruncatedAtEveryLengthIsACorruptBody(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        byte[] body = requestBody(s);
        ValueCodec[] codecs = argCodecs(s);
        for (int len = 0; len < body.length; len++) {
            ByteBuf b = Unpooled.wrappedBuffer(body, 0, len);
            try {
                int n = len;
                assertCorrupt(() -> {
                    MessageCodec.decodeRequestHead(b);
                    MessageCodec.decodeArguments(b, codecs);
                }, "request truncated to " + n + " of " + body.length + " bytes");
            } finally {
                b.release();
            }
        }
        ByteBuf whole = Unpooled.wrappedBuffer(body);
        try {
            MessageCodec.decodeRequestHead(whole);
            assertEquals(4, MessageCodec.decodeArguments(whole, codecs).length);
        } finally {
            whole.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void responseBodyTruncatedAtEveryLengthIsACorruptBody(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        ValueCodec codec = resultCodec(s);
        List<byte[]> bodies = List.of(
                responseBody(s, new RpcResponse(Status.OK, new HashMap<>(Map.of("a", List.of("1"))), List.of(), Map.of("x", "y"))),
                responseBody(s, RpcResponse.error(nestedFailure())));
        for (byte[] body : bodies) {
            for (int len = 0; len < body.length; len++) {
                byte[] prefix = Arrays.copyOf(body, len);
                assertCorrupt(() -> decodeResponse(prefix, codec), "response truncated to " + len + " of " + body.length + " bytes");
            }
            assertNotNull(decodeResponse(body, codec));
        }
    }

    /** Fails unless {@code decode} throws exactly a CorruptBodyException (not IndexOutOfBounds, not an Error). */
    private static void assertCorrupt(Executable decode, String what) {
        try {
            decode.execute();
        } catch (CorruptBodyException expected) {
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": expected CorruptBodyException but got " + t, t);
        }
        fail(what + ": decoded without error");
    }

    @Test
    void trailingBytesAfterTheLastArgumentAreACorruptBody() throws Exception {
        Serializer s = Serializers.protostuff();
        byte[] body = requestBody(s);
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        ByteBuf b = Unpooled.wrappedBuffer(longer);
        try {
            MessageCodec.decodeRequestHead(b);
            CorruptBodyException e = assertThrows(CorruptBodyException.class, () -> MessageCodec.decodeArguments(b, argCodecs(s)));
            assertTrue(e.getMessage().contains("1 unexpected bytes"), e.getMessage());
        } finally {
            b.release();
        }
    }

    @Test
    void requestWithoutServiceKeyOrMethodIsACorruptBody() {
        ByteBuf b = Unpooled.buffer();
        try {
            Varints.writeString(b, null);
            Varints.writeString(b, "m");
            Varints.writeVarint(b, 0);
            Varints.writeVarint(b, 0);
            assertThrows(CorruptBodyException.class, () -> MessageCodec.decodeRequestHead(b));
        } finally {
            b.release();
        }
    }

    @ParameterizedTest(name = "status byte {0}")
    @ValueSource(bytes = {9, 100, -1, -128})
    void unknownStatusIsACorruptBody(byte code) {
        assertCorrupt(() -> decodeResponse(new byte[]{code, 0, 0}, null), "status " + code);
    }

    /** Bytes allocated by the current thread while running {@code r} (after one warm-up run). */
    private static long allocatedBy(Runnable r) {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        r.run();
        long before = bean.getCurrentThreadAllocatedBytes();
        r.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    /** A 10-byte body: {@code prefix}, a varint count of {@code count}, then zero padding. */
    private static byte[] tenBytes(byte[] prefix, int count) {
        ByteBuf b = Unpooled.buffer(10);
        try {
            b.writeBytes(prefix);
            Varints.writeVarint(b, count);
            b.writeZero(10 - b.readableBytes());
            assertEquals(10, b.readableBytes());
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** {@code prefix}, a varint {@code count}, then 6 zero bytes: a body far too small for what it announces. */
    private static byte[] smallBody(byte[] prefix, int count) {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeBytes(prefix);
            Varints.writeVarint(b, count);
            b.writeZero(6);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] strings(String... s) {
        ByteBuf b = Unpooled.buffer();
        try {
            for (String x : s) {
                Varints.writeString(b, x);
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static void assertCorruptFastAndSmall(byte[] body, Executable decode) {
        assertCorruptFastAndSmall(body, "exceeds", decode);
    }

    /** Refused as a corrupt body whose message contains {@code limit}, within 500 ms and 512 KiB of allocation. */
    private static void assertCorruptFastAndSmall(byte[] body, String limit, Executable decode) {
        long bytes = allocatedBy(() -> {
            long t0 = System.nanoTime();
            CorruptBodyException e = assertThrows(CorruptBodyException.class, decode);
            assertTrue(e.getMessage().contains(limit) || e.getMessage().contains("decode budget"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 500_000_000L, "fast");
        });
        assertTrue(bytes < 512 * 1024, "a " + body.length + "-byte body made the decoder allocate " + bytes + " bytes");
    }

    @Test
    void parameterTypeCountOfAMillionInATenByteBodyIsRefusedWithoutAllocating() {
        byte[] body = tenBytes(strings("svc", "m"), 1_000_000);
        assertCorruptFastAndSmall(body, "over the limit of " + MessageCodec.MAX_PARAMETERS, () -> {
            ByteBuf b = Unpooled.wrappedBuffer(body);
            try {
                MessageCodec.decodeRequestHead(b);
            } finally {
                b.release();
            }
        });
    }

    @Test
    void attachmentCountOfAMillionInATenByteBodyIsRefusedWithoutAllocating() {
        byte[] request = tenBytes(concat(strings("s", "m"), new byte[]{0}), 1_000_000); // no parameter types, then attachments
        String limit = "over the limit of " + Attachments.MAX_ENTRIES;
        assertCorruptFastAndSmall(request, limit, () -> {
            ByteBuf b = Unpooled.wrappedBuffer(request);
            try {
                MessageCodec.decodeRequestHead(b);
            } finally {
                b.release();
            }
        });
        byte[] response = tenBytes(new byte[]{Status.OK.code()}, 1_000_000);
        assertCorruptFastAndSmall(response, limit, () -> decodeResponse(response, null));
        byte[] errors = tenBytes(new byte[]{Status.APPLICATION_ERROR.code(), 0}, 1_000_000);
        assertCorruptFastAndSmall(errors, () -> decodeResponse(errors, null));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void protostuffCollectionCountOfAMillionInATenByteBodyIsRefusedWithoutAllocating() throws Exception {
        ValueCodec[] codecs = {Serializers.protostuff().codecFor(Api.class.getMethod("lookup").getGenericReturnType())};
        byte[] body = tenBytes(new byte[]{1}, 1_000_000); // present, then the map's entry count
        assertCorruptFastAndSmall(body, "decode budget", () -> {
            ByteBuf b = Unpooled.wrappedBuffer(body);
            try {
                MessageCodec.decodeArguments(b, codecs);
            } finally {
                b.release();
            }
        });
        ValueCodec[] list = {Serializers.protostuff().codecFor(greet().getGenericParameterTypes()[3])};
        byte[] listBody = tenBytes(new byte[]{1}, 1_000_000);
        assertCorruptFastAndSmall(listBody, "decode budget", () -> {
            ByteBuf b = Unpooled.wrappedBuffer(listBody);
            try {
                MessageCodec.decodeArguments(b, list);
            } finally {
                b.release();
            }
        });
    }

    /** Kryo bytes of {@code value} without its final (length + 1) byte, which must be 1 for an empty value. */
    private static byte[] kryoPrefixOfEmpty(ValueCodec codec, Object empty) throws Exception {
        ByteBuf b = Unpooled.buffer();
        try {
            codec.write(b, empty);
            byte[] bytes = ByteBufUtil.getBytes(b);
            assertEquals(1, bytes[bytes.length - 1], "Kryo writes length + 1 last for an empty value");
            return Arrays.copyOf(bytes, bytes.length - 1);
        } finally {
            b.release();
        }
    }

    private static void decodeArgs(byte[] body, ValueCodec codec) {
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            MessageCodec.decodeArguments(b, new ValueCodec[]{codec});
        } finally {
            b.release();
        }
    }

    @Test
    void kryoCollectionCountOfAMillionInATenByteBodyIsRefusedWithoutAllocating() throws Exception {
        ValueCodec codec = Serializers.kryo().codecFor(greet().getGenericParameterTypes()[3]);
        byte[] body = tenBytes(kryoPrefixOfEmpty(codec, new ArrayList<>()), 1_000_000 + 1);
        assertCorruptFastAndSmall(body, () -> decodeArgs(body, codec));
    }

    @Test
    void kryoHugeLengthPrefixIsACorruptBodyNotAnOutOfMemoryError() throws Exception {
        Serializer kryo = Serializers.kryo();
        ValueCodec list = kryo.codecFor(greet().getGenericParameterTypes()[3]);
        ValueCodec ints = kryo.codecFor(int[].class);
        ValueCodec addresses = kryo.codecFor(io.tern.rpc.protocol.serialize.GoodPayload[].class);
        ValueCodec string = kryo.codecFor(String.class);
        byte[] hugeList = tenBytes(kryoPrefixOfEmpty(list, new ArrayList<>()), Integer.MAX_VALUE - 8);
        byte[] hugeInts = tenBytes(kryoPrefixOfEmpty(ints, new int[0]), Integer.MAX_VALUE - 8);
        byte[] bigInts = tenBytes(kryoPrefixOfEmpty(ints, new int[0]), 200_000_000);
        ValueCodec strings = kryo.codecFor(String[].class);
        byte[] hugeArray = smallBody(kryoPrefixOfEmpty(addresses, new io.tern.rpc.protocol.serialize.GoodPayload[0]), Integer.MAX_VALUE - 8);
        byte[] hugeStrings = smallBody(kryoPrefixOfEmpty(strings, new String[0]), Integer.MAX_VALUE - 8);
        byte[] hugeString = kryoUtf8StringHeader(string, Integer.MAX_VALUE - 8);
        for (Object[] c : new Object[][]{{hugeList, list, "List of ~2^31"}, {hugeInts, ints, "int[~2^31]"}, {bigInts, ints, "int[200M]"},
                {hugeArray, addresses, "GoodPayload[~2^31]"}, {hugeString, string, "String of ~2^31 chars"},
                {hugeStrings, strings, "String[~2^31]"}}) {
            byte[] body = (byte[]) c[0];
            ValueCodec codec = (ValueCodec) c[1];
            assertTrue(body.length < 64);
            assertCorrupt(() -> decodeArgs(body, codec), (String) c[2]);
            long bytes = allocatedBy(() -> assertThrows(CorruptBodyException.class, () -> decodeArgs(body, codec)));
            assertTrue(bytes < 512 * 1024, c[2] + ": allocated " + bytes + " bytes");
        }
    }

    /** Kryo bytes of a String announcing {@code chars} UTF-8 characters (Kryo's var-int-with-flag), padded to 10 bytes. */
    private static byte[] kryoUtf8StringHeader(ValueCodec codec, int chars) throws Exception {
        ByteBuf b = Unpooled.buffer();
        try {
            codec.write(b, "\u00e9"); // non-ASCII, so Kryo writes a UTF-8 string: flag bit, then the char count + 1
            byte[] bytes = ByteBufUtil.getBytes(b);
            int at = bytes.length - 3; // [flag|count+1=2] [0xC3 0xA9]
            assertEquals((byte) 0x82, bytes[at], "Kryo's UTF-8 string header");
            ByteBuf out = Unpooled.buffer(10);
            try {
                out.writeBytes(bytes, 0, at);
                int n = chars + 1;
                out.writeByte(0x80 | 0x40 | (n & 0x3F)); // flag, more bytes follow, low 6 bits
                Varints.writeVarint(out, n >>> 6);
                out.writeZero(10 - out.readableBytes());
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            b.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"protostuff", "kryo"})
    void randomBodiesFailOnlyAsCorruptBodies(String name) throws Exception {
        Serializer s = Serializers.byName(name);
        ValueCodec[] args = argCodecs(s);
        ValueCodec result = resultCodec(s);
        byte[] valid = requestBody(s);
        Random random = new Random(20240229L);
        for (int i = 0; i < 3_000; i++) {
            byte[] junk;
            if (i % 2 == 0) {
                junk = new byte[random.nextInt(48)];
                random.nextBytes(junk);
            } else { // a valid body with a few bytes flipped reaches deeper into the decoders
                junk = valid.clone();
                for (int k = 0; k < 1 + random.nextInt(3); k++) {
                    junk[random.nextInt(junk.length)] = (byte) random.nextInt(256);
                }
            }
            byte[] body = junk;
            String hex = ByteBufUtil.hexDump(body);
            try {
                ByteBuf b = Unpooled.wrappedBuffer(body);
                try {
                    MessageCodec.decodeRequestHead(b);
                    MessageCodec.decodeArguments(b, args);
                } finally {
                    b.release();
                }
            } catch (CorruptBodyException expected) {
                // fine
            } catch (Throwable t) {
                throw new AssertionError("request body " + hex + " failed with " + t, t);
            }
            try {
                decodeResponse(body, result);
            } catch (CorruptBodyException expected) {
                // fine
            } catch (Throwable t) {
                throw new AssertionError("response body " + hex + " failed with " + t, t);
            }
        }
    }

    @Test
    void encodeFailureReleasesEveryBuffer() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        ValueCodec failing = new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) {
                out.writeZero(5000);
                throw new UncheckedIOException(new IOException("cannot write " + value));
            }

            @Override
            public Object read(ByteBuf in) {
                throw new UnsupportedOperationException();
            }
        };
        RpcRequest req = new RpcRequest("svc", "m", new String[]{"x"}, new Object[]{"v"}, Map.of());
        assertThrows(UncheckedIOException.class,
                () -> MessageCodec.encodeRequest(alloc, 1, Serializers.protostuff(), Compression.gzip(1), req, new ValueCodec[]{failing}));
        RpcResponse ok = RpcResponse.ok("v");
        assertThrows(UncheckedIOException.class,
                () -> MessageCodec.encodeResponse(alloc, 1, Serializers.protostuff(), Compression.NONE, ok, failing));
        assertTrue(alloc.count() >= 2);
        assertEquals(0, alloc.live());
    }

    @Test
    void compressedEncodingReleasesTheUncompressedBuffer() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        Serializer s = Serializers.protostuff();
        RpcRequest req = new RpcRequest("svc", "m", new String[]{"java.lang.String"}, new Object[]{"z".repeat(5000)}, Map.of());
        ByteBuf frame = MessageCodec.encodeRequest(alloc, 1, s, Compression.gzip(100), req, new ValueCodec[]{s.codecFor(String.class)});
        assertEquals(FrameHeader.COMPRESS_GZIP, frame.getByte(FrameHeader.OFFSET_COMPRESS));
        assertEquals(1, alloc.live(), "only the returned frame is live");
        frame.release();
        assertEquals(0, alloc.live());
    }

    // ---------------------------------------------------------------- RemoteExceptions

    private static final List<String> API_PACKAGES = List.of("io.tern.rpc.protocol.api");
    private static final ClassLoader LOADER = MessageCodecTest.class.getClassLoader();

    private static List<RpcResponse.RemoteError> chain(String... classesAndMessages) {
        List<RpcResponse.RemoteError> chain = new ArrayList<>();
        for (int i = 0; i < classesAndMessages.length; i += 2) {
            StackTraceElement[] st = {new StackTraceElement("remote.Frame" + i, "run", "Remote.java", 10 + i)};
            chain.add(new RpcResponse.RemoteError(classesAndMessages[i], classesAndMessages[i + 1], st));
        }
        return chain;
    }

    @Test
    void rebuildGivesTheSameJdkExceptionTypeWithItsCauseChain() {
        Throwable t = RemoteExceptions.rebuild(chain("java.lang.IllegalStateException", "outer",
                "java.io.IOException", "middle", "java.lang.ArithmeticException", "inner"), new AllowList(), LOADER, API_PACKAGES);
        assertInstanceOf(IllegalStateException.class, t);
        assertEquals("outer", t.getMessage());
        assertEquals("remote.Frame0", t.getStackTrace()[0].getClassName());
        assertInstanceOf(IOException.class, t.getCause());
        assertEquals("middle", t.getCause().getMessage());
        // ArithmeticException has only a (String) constructor: the cause is attached with initCause
        assertInstanceOf(ArithmeticException.class, t.getCause().getCause());
        assertEquals("inner", t.getCause().getCause().getMessage());
        assertEquals(14, t.getCause().getCause().getStackTrace()[0].getLineNumber());
        assertNull(t.getCause().getCause().getCause());
    }

    @Test
    void rebuildOfAnEncodedAndDecodedFailureGivesBackTheSameTypes() throws Exception {
        RpcResponse got = decodeResponse(responseBody(Serializers.kryo(), RpcResponse.error(nestedFailure())), null);
        Throwable t = RemoteExceptions.rebuild(got.errors(), new AllowList(), LOADER, API_PACKAGES);
        assertInstanceOf(IllegalStateException.class, t);
        assertInstanceOf(IOException.class, t.getCause());
        assertEquals("disk on fire: ü", t.getCause().getMessage());
        assertSameFrames(got.errors().get(0).stackTrace(), t.getStackTrace());
        assertSameFrames(got.errors().get(1).stackTrace(), t.getCause().getStackTrace());
    }

    @Test
    void unknownClassNameArrivesAsRemoteException() {
        Throwable t = RemoteExceptions.rebuild(chain("com.evil.Nope", "boom", "java.lang.IllegalArgumentException", "why"),
                new AllowList(), LOADER, API_PACKAGES);
        RemoteException r = assertInstanceOf(RemoteException.class, t);
        assertEquals("com.evil.Nope", r.remoteClassName());
        assertTrue(r.getMessage().contains("com.evil.Nope") && r.getMessage().contains("boom"), r.getMessage());
        assertInstanceOf(IllegalArgumentException.class, r.getCause());
        assertEquals("remote.Frame0", r.getStackTrace()[0].getClassName());
    }

    @Test
    void classOutsideTheAllowedPackagesIsNeverLoaded() {
        String sneaky = "io.tern.rpc.protocol.apix.SneakyException"; // "apix" only starts with the allowed "api"
        Throwable t = RemoteExceptions.rebuild(chain(sneaky, "gotcha"), new AllowList(), LOADER, API_PACKAGES);
        RemoteException r = assertInstanceOf(RemoteException.class, t);
        assertEquals(sneaky, r.remoteClassName());
        assertNull(System.getProperty("tern.sneaky.initialised"), "SneakyException was initialised");
    }

    @Test
    void exceptionInAnAllowedPackageIsRebuilt() {
        Throwable t = RemoteExceptions.rebuild(chain("io.tern.rpc.protocol.api.ApiException", "api says no"),
                new AllowList(), LOADER, API_PACKAGES);
        assertEquals("io.tern.rpc.protocol.api.ApiException", t.getClass().getName());
        assertEquals("api says no", t.getMessage());
    }

    @Test
    void nonThrowableJdkClassAndFrameworkErrorsArriveAsRemoteException() {
        Throwable t = RemoteExceptions.rebuild(chain("java.lang.Runtime", "not an exception"), new AllowList(), LOADER, API_PACKAGES);
        assertInstanceOf(RemoteException.class, t);
        Throwable none = RemoteExceptions.rebuild(List.of(), new AllowList(), LOADER, API_PACKAGES);
        assertNull(none);
    }

    @Test
    void longErrorChainFromAPeerDoesNotOverflowTheStack() {
        ByteBuf b = Unpooled.buffer();
        try {
            int n = 200_000;
            b.writeByte(Status.APPLICATION_ERROR.code());
            Varints.writeVarint(b, 0); // attachments
            Varints.writeVarint(b, n);
            for (int i = 0; i < n; i++) {
                Varints.writeString(b, "java.lang.IllegalStateException");
                Varints.writeString(b, null);
                Varints.writeVarint(b, 0);
            }
            assertTrue(b.readableBytes() < FrameHeader.DEFAULT_MAX_FRAME_LENGTH, "fits in one frame");
            RpcResponse got = MessageCodec.decodeResponse(b, null);
            Throwable t;
            try {
                t = RemoteExceptions.rebuild(got.errors(), new AllowList(), LOADER, API_PACKAGES);
            } catch (StackOverflowError e) {
                throw new AssertionError("rebuild overflowed the stack on a " + got.errors().size() + "-entry chain");
            }
            assertInstanceOf(IllegalStateException.class, t);
        } finally {
            b.release();
        }
    }
}
