package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The POJO codec writes Protostuff straight into the frame buffer; its message bytes must be exactly those of
 * Protostuff's own {@code ProtostuffIOUtil} for the same schema, and read back through the pooled direct path.
 */
class ByteBufProtostuffOutputTest {
    private static final ProtostuffSerializer SERIALIZER = new ProtostuffSerializer(new AllowList());

    private static void assertSameBytesAsProtostuff(Object value) throws Exception {
        Class<?> type = value.getClass();
        ValueCodec codec = SERIALIZER.pojoCodec(type, type.getSimpleName());
        Schema<Object> schema = SERIALIZER.schemaFor(type);
        byte[] expected = ProtostuffIOUtil.toByteArray(value, schema, LinkedBuffer.allocate(256));
        ByteBuf heap = Unpooled.buffer(16);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        try {
            codec.write(heap, value);
            codec.write(direct, value);
            // the second write of a message over 16 KiB reserves a 4-byte prefix (the first moved it behind a minimal
            // varint): the prefixes may differ in width, never in value, and the message bytes are the same
            ByteBuf directMessage = direct.duplicate();
            assertEquals(expected.length, Varints.readVarint(directMessage), "length prefix, direct");
            int size = Varints.readVarint(heap);
            assertEquals(expected.length, size, "length prefix");
            assertEquals(heap, directMessage, "heap and direct buffers get the same message bytes");
            assertArrayEquals(expected, ByteBufUtil.getBytes(heap), "message bytes of " + value);
            assertEquals(value, codec.read(direct), "read back from a direct buffer");
            assertFalse(direct.isReadable());
        } finally {
            heap.release();
            direct.release();
        }
    }

    @Test
    void nestedMessagesCollectionsMapsEnumsAndDelegatesMatchProtostuff() throws Exception {
        assertSameBytesAsProtostuff(TestPojos.ada());
    }

    @Test
    void everyScalarEncodingMatchesProtostuff() throws Exception {
        assertSameBytesAsProtostuff(TestPojos.Kitchen.sample()); // negative, min/max, NaN, -0.0, chars, arrays, bytes
        assertSameBytesAsProtostuff(new TestPojos.Kitchen());   // defaults and nulls
    }

    @Test
    void multiByteCharactersAndEmptyStringsMatchProtostuff() throws Exception {
        assertSameBytesAsProtostuff(new TestPojos.Address("", 0));
        assertSameBytesAsProtostuff(new TestPojos.Address("Käsestraße 日本 🚀 ∑", -1));
    }

    @Test
    void aMessageOver16KiBGetsALongerLengthPrefixAndTheSameMessageBytes() throws Exception {
        String street = "x".repeat(20_000) + "🚀";
        assertSameBytesAsProtostuff(new TestPojos.Address(street, 7));
        assertSameBytesAsProtostuff(new TestPojos.Person(street, 1, new TestPojos.Address(street, 2), List.of(), Map.of(),
                TestPojos.Color.RED, null, null));
    }
}
