package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.protostuff.Input;
import io.protostuff.Output;
import io.protostuff.Pipe;
import io.protostuff.ProtobufException;
import io.protostuff.WireFormat.FieldType;
import io.protostuff.runtime.Delegate;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The Protostuff delegates of the value types a POJO field may hold that protostuff-runtime must not read on its own:
 * big numbers (its own encoding, checked against the digit caps before parsing) and everything carried by
 * {@link TypedCodecs} (as a bytes field).
 */
final class ProtostuffDelegates {
    private ProtostuffDelegates() {
    }

    /** What every delegate here shares: one field type, and a value carried as a length-delimited byte range. */
    private abstract static class ByteRangeDelegate<T> implements Delegate<T> {
        private final FieldType fieldType;
        private final Class<?> type;

        ByteRangeDelegate(FieldType fieldType, Class<?> type) {
            this.fieldType = fieldType;
            this.type = type;
        }

        @Override
        public final FieldType getFieldType() {
            return fieldType;
        }

        @Override
        public final void transfer(Pipe pipe, Input input, Output output, int number, boolean repeated) throws IOException {
            input.transferByteRangeTo(output, fieldType == FieldType.STRING, number, repeated);
        }

        @Override
        public final Class<?> typeClass() {
            return type;
        }
    }

    /** A BigDecimal inside a POJO, in protostuff's own encoding (its text), with digits and scale checked before parsing. */
    static final class DecimalDelegate extends ByteRangeDelegate<BigDecimal> {
        private static final String WHAT = "BigDecimal field";

        DecimalDelegate() {
            super(FieldType.STRING, BigDecimal.class);
        }

        @Override
        public BigDecimal readFrom(Input input) throws IOException {
            if (input instanceof BoundedProtostuffInput bounded) {
                Numbers.checkTextLength(bounded.nextLength(), Numbers.MAX_DECIMAL_TEXT, WHAT);
            }
            return Numbers.parseDecimal(input.readString(), WHAT);
        }

        @Override
        public void writeTo(Output output, int number, BigDecimal value, boolean repeated) throws IOException {
            output.writeString(number, value.toString(), repeated);
        }
    }

    /** A BigInteger inside a POJO, in protostuff's own encoding (two's-complement bytes), with their number checked first. */
    static final class BigIntegerDelegate extends ByteRangeDelegate<BigInteger> {
        private static final String WHAT = "BigInteger field";

        BigIntegerDelegate() {
            super(FieldType.BYTES, BigInteger.class);
        }

        @Override
        public BigInteger readFrom(Input input) throws IOException {
            if (input instanceof BoundedProtostuffInput bounded) {
                Numbers.checkByteLength(bounded.nextLength(), WHAT);
            }
            return Numbers.fromBytes(input.readByteArray(), WHAT);
        }

        @Override
        public void writeTo(Output output, int number, BigInteger value, boolean repeated) throws IOException {
            output.writeByteArray(number, value.toByteArray(), repeated);
        }
    }

    /** Carries a value type inside a Protostuff message as a bytes field encoded by {@link TypedCodecs}. */
    static final class BytesDelegate<T> extends ByteRangeDelegate<T> {
        private final ValueCodec codec;

        BytesDelegate(Class<?> type, ValueCodec codec) {
            super(FieldType.BYTES, type);
            this.codec = codec;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T readFrom(Input input) throws IOException {
            ByteBuf buf = Unpooled.wrappedBuffer(input.readByteArray());
            try {
                return (T) codec.read(buf);
            } catch (CorruptBodyException e) {
                throw e;
            } catch (Exception e) {
                throw new ProtobufException("cannot decode a " + typeClass().getName() + ": " + e.getMessage());
            }
        }

        @Override
        public void writeTo(Output output, int number, T value, boolean repeated) throws IOException {
            ByteBuf buf = Unpooled.buffer(32);
            try {
                codec.write(buf, value);
                output.writeByteArray(number, ByteBufUtil.getBytes(buf), repeated);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            } finally {
                buf.release();
            }
        }
    }
}
