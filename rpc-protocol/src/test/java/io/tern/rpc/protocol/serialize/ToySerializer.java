package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * A third-party serializer as a plugin would ship it, for tests: carries {@code String} values only, as a length
 * then UTF-8 bytes, spending the announced length from the body's {@link DecodeBudget} before allocating. Registered
 * by {@code src/test/services/META-INF/services/io.tern.rpc.protocol.serialize.Serializer}, which surefire puts on
 * this module's test class path only.
 */
public final class ToySerializer implements Serializer {
    static final byte ID = 3;

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public ValueCodec codecFor(Type declaredType) {
        if (declaredType != String.class) {
            throw new IllegalArgumentException("toy serialization carries String only, not " + declaredType.getTypeName());
        }
        return new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) {
                byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.writeBytes(bytes);
            }

            @Override
            public Object read(ByteBuf in) {
                int length = in.readInt();
                DecodeBudget.spend(length, "toy string");
                if (length > in.readableBytes()) {
                    throw new CorruptBodyException("toy string announces " + length + " bytes, " + in.readableBytes() + " remain");
                }
                return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
            }
        };
    }
}
