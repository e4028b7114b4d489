package io.tern.rpc.transport.internal;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Hostile message bodies, written byte by byte after the wire layouts (MessageCodec's envelope, the typed codecs,
 * Protostuff's runtime array schema, Kryo's collection serializer): nothing here asks the codecs under test to make
 * an evil body. The one value borrowed from them is Kryo's class id of {@link ArrayList}, learnt by having the victim's
 * own codec encode an empty list, so the evil bytes stay valid if the class registration changes.
 *
 * <pre>
 * REQUEST  body: str serviceKey, str method, varint n, str[n] paramTypes, attachments, args...
 * RESPONSE body: byte status, attachments, OK: result | else: varint n, n x (str class, str message, varint frames...)
 * attachments:   varint n, n x (str key, str value);  str: varint (utf8 length + 1, 0 = null), utf8 bytes
 * typed value:   byte presence (1), then the value; Protostuff POJO: varint length, then the message
 * </pre>
 */
final class HostileBodies {
    /** Protostuff runtime array schema field numbers (io.protostuff.runtime.ArraySchemas): length, then data. */
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_LENGTH_DELIMITED = 2;

    private HostileBodies() {
    }

    // ---------------------------------------------------------------- envelope pieces

    static Method method(Class<?> iface, String name, Class<?>... params) {
        try {
            return iface.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Service key, method name and descriptors of a method of {@code iface} exported with no version or group. */
    static byte[] routingPrefix(Class<?> iface, String name, Class<?>... params) {
        MethodCodecs codecs = new MethodCodecs(method(iface, name, params));
        return MessageCodec.routingPrefix(iface.getName(), name, codecs.descriptors());
    }

    static byte[] varint(int value) {
        ByteBuf b = Unpooled.buffer(5);
        Varints.writeVarint(b, value);
        return ByteBufUtil.getBytes(b);
    }

    static byte[] str(String s) {
        ByteBuf b = Unpooled.buffer();
        Varints.writeString(b, s);
        return ByteBufUtil.getBytes(b);
    }

    /** An attachment block of the given key/value pairs (keys and values alternate). */
    static byte[] attachments(String... keysAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(varint(keysAndValues.length / 2));
        for (String s : keysAndValues) {
            out.writeBytes(str(s));
        }
        return out.toByteArray();
    }

    static final byte[] NO_ATTACHMENTS = {0};

    /** A typed-codec string value: presence byte, then the string. */
    static byte[] typedString(String s) {
        return Wire.concat(new byte[]{1}, str(s));
    }

    /** A REQUEST frame around {@code body}, gzip-compressed when asked. */
    static byte[] request(int id, int codec, boolean gzip, byte[] body) {
        return Wire.frame(MessageType.REQUEST, codec, gzip ? 1 : 0, id, gzip ? Wire.gzip(body) : body);
    }

    /** A RESPONSE frame around {@code body}, gzip-compressed when asked. */
    static byte[] response(int id, int codec, boolean gzip, byte[] body) {
        return Wire.frame(MessageType.RESPONSE, codec, gzip ? 1 : 0, id, gzip ? Wire.gzip(body) : body);
    }

    /** The body of an OK RESPONSE: status, attachments, result bytes. */
    static byte[] okResponseBody(byte[] attachments, byte[] result) {
        return Wire.concat(new byte[]{Status.OK.code()}, attachments, result);
    }

    /** The body of an APPLICATION_ERROR RESPONSE whose chain names these classes (outermost first), with no stack. */
    static byte[] errorResponseBody(String... classAndMessage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Status.APPLICATION_ERROR.code());
        out.writeBytes(NO_ATTACHMENTS);
        out.writeBytes(varint(classAndMessage.length / 2));
        for (int i = 0; i < classAndMessage.length; i += 2) {
            out.writeBytes(str(classAndMessage[i]));
            out.writeBytes(str(classAndMessage[i + 1]));
            out.writeBytes(varint(0)); // no stack frames
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- attack 1: Kryo pre-allocation

    /**
     * A Kryo value that makes a decoder allocate {@code lists} arrays of {@code nullsPerList} references from a few bytes
     * each: an ArrayList whose elements all have the "same type" ArrayList, each of which announces {@code nullsPerList}
     * elements of the same type "null" (Kryo then adds that many nulls without reading a byte per element). Each list's
     * announced size is below the bytes left in the body, because {@code filler} zero bytes follow: a per-collection
     * "size fits in the bytes left" check passes for every one of them. Filler and repetition gzip to a few kilobytes.
     *
     * @param codec the victim's Kryo codec for the value's declared type, asked only for the class id of ArrayList
     */
    static byte[] kryoPreallocation(ValueCodec codec, int lists, int nullsPerList, int filler) {
        byte[] arrayListClass = kryoArrayListClass(codec);
        Output out = new Output(1024, -1);
        out.writeBytes(arrayListClass);                 // readClassAndObject: an ArrayList
        out.writeVarIntFlag(true, lists + 1, true);     // same element type for all, size + 1
        out.writeBytes(arrayListClass);                 // that element type: ArrayList
        out.writeBoolean(false);                        // elements are never null
        for (int i = 0; i < lists; i++) {
            out.writeVarIntFlag(true, nullsPerList + 1, true); // inner list: same type for all, size + 1
            out.writeVarInt(0, true);                           // that type: null, so every element is null
        }
        return Wire.concat(out.toBytes(), new byte[filler]);
    }

    /**
     * The bytes {@code codec} writes for the class ArrayList, taken from an empty list (class, then size + 1 = 1): the
     * very codec the victim decodes with, so the evil bytes follow its class registration whatever that is.
     */
    static byte[] kryoArrayListClass(ValueCodec codec) {
        ByteBuf b = Unpooled.buffer();
        try {
            codec.write(b, new ArrayList<>());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        byte[] bytes = ByteBufUtil.getBytes(b);
        if (bytes[bytes.length - 1] != 1) {
            throw new AssertionError("unexpected Kryo encoding of an empty ArrayList: " + Arrays.toString(bytes));
        }
        return Arrays.copyOf(bytes, bytes.length - 1);
    }

    /** The victim's Kryo codec for the first parameter of {@code method}. */
    static ValueCodec kryoArgCodec(Method method) {
        return new MethodCodecs(method).argCodecs(Serializers.kryo())[0];
    }

    /** The victim's Kryo codec for the result of {@code method}. */
    static ValueCodec kryoResultCodec(Method method) {
        return new MethodCodecs(method).resultCodec(Serializers.kryo());
    }

    // ---------------------------------------------------------------- attack 2: attachment flood

    /**
     * An attachment block of {@code keys} distinct keys of {@code keyBytes} ASCII bytes each (value "v"): a map that puts
     * key by key with a linear search is quadratic in {@code keys}.
     */
    static byte[] attachmentFlood(int keys, int keyBytes) {
        ByteBuf b = Unpooled.buffer(keys * (keyBytes + 4));
        Varints.writeVarint(b, keys);
        byte[] key = new byte[keyBytes];
        Arrays.fill(key, (byte) 'k');
        for (int i = 0; i < keys; i++) {
            byte[] digits = String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, key, keyBytes - digits.length, digits.length); // differ only at the end
            Varints.writeVarint(b, keyBytes + 1);
            b.writeBytes(key);
            Varints.writeString(b, "v");
        }
        return ByteBufUtil.getBytes(b);
    }

    // ---------------------------------------------------------------- attack 3: numbers

    /** A typed-codec BigDecimal/BigInteger value of {@code digits} digits (its text form). */
    static byte[] typedNumber(int digits) {
        return typedString(digitString(digits));
    }

    static String digitString(int digits) {
        char[] c = new char[digits];
        Arrays.fill(c, '7');
        return new String(c);
    }

    /** A Protostuff POJO (presence, length, message) whose field 1 is the string {@code text} (a BigDecimal field). */
    static byte[] protostuffStringField(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.US_ASCII);
        byte[] message = Wire.concat(tag(1, WIRE_LENGTH_DELIMITED), varint(utf8.length), utf8);
        return Wire.concat(new byte[]{1}, varint(message.length), message);
    }

    // ---------------------------------------------------------------- attack 5: arrays in Protostuff POJOs

    /**
     * A Protostuff POJO (presence, length, message) whose array field {@code field} announces {@code announced}
     * elements and carries none. Array fields travel as a bytes field holding the typed array encoding (presence
     * byte, varint count, elements); Protostuff's own array schema (a group whose length field announces the count)
     * is refused by the bounded input before anything is allocated (rpc-protocol's ProtostuffBudgetTest).
     */
    static byte[] protostuffArrayField(int field, int announced) {
        byte[] array = Wire.concat(new byte[]{1}, varint(announced));
        byte[] message = Wire.concat(tag(field, WIRE_LENGTH_DELIMITED), varint(array.length), array);
        return Wire.concat(new byte[]{1}, varint(message.length), message);
    }

    /** A well-formed one-element int array field, to check the layout above against the real codec. */
    static byte[] protostuffOneIntArray(int field, int value) {
        byte[] array = Wire.concat(new byte[]{1}, varint(1), varint(value << 1 ^ value >> 31));
        byte[] message = Wire.concat(tag(field, WIRE_LENGTH_DELIMITED), varint(array.length), array);
        return Wire.concat(new byte[]{1}, varint(message.length), message);
    }

    private static byte[] tag(int field, int wireType) {
        return varint(field << 3 | wireType);
    }

    // ---------------------------------------------------------------- helpers

    /** The body of a benign REQUEST for {@code hello(name)} with these attachments. */
    static byte[] helloBody(byte[] attachments, String name) {
        return Wire.concat(routingPrefix(io.tern.rpc.testsupport.Greeter.class, "hello", String.class), attachments, typedString(name));
    }

    /** Attachments of a well-behaved call plus, if not null, the auth token. */
    static byte[] callAttachments(String token) {
        return token == null ? attachments(RpcRequest.DEADLINE_MS, "5000", RpcRequest.ATTEMPT, "0")
                : attachments(RpcRequest.DEADLINE_MS, "5000", RpcRequest.ATTEMPT, "0", RpcRequest.AUTH_TOKEN, token);
    }
}
