package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The codecs of single values with a fixed encoding: strings, the boxes, byte[], big numbers (under the caps of
 * {@link Numbers}), Date, UUID and the {@code java.time} values. Written without a presence byte: the caller adds it.
 */
final class ScalarCodecs {
    private static final Map<Class<?>, ValueCodec> SCALARS = new HashMap<>();

    static {
        scalar(String.class, (o, v) -> Varints.writeString(o, (String) v), Varints::readString);
        scalar(Boolean.class, (o, v) -> o.writeBoolean((Boolean) v), ByteBuf::readBoolean);
        scalar(Byte.class, (o, v) -> o.writeByte((Byte) v), ByteBuf::readByte);
        scalar(Short.class, (o, v) -> o.writeShort((Short) v), ByteBuf::readShort);
        scalar(Character.class, (o, v) -> o.writeChar((Character) v), ByteBuf::readChar);
        scalar(Integer.class, (o, v) -> Varints.writeSignedVarint(o, (Integer) v), Varints::readSignedVarint);
        scalar(Long.class, (o, v) -> Varints.writeSignedVarlong(o, (Long) v), Varints::readSignedVarlong);
        scalar(Float.class, (o, v) -> o.writeFloat((Float) v), ByteBuf::readFloat);
        scalar(Double.class, (o, v) -> o.writeDouble((Double) v), ByteBuf::readDouble);
        scalar(byte[].class, (o, v) -> {
            byte[] b = (byte[]) v;
            Varints.writeVarint(o, b.length);
            o.writeBytes(b);
        }, i -> {
            byte[] b = new byte[Varints.readElementCount(i, "byte[]")];
            i.readBytes(b);
            return b;
        });
        scalar(BigDecimal.class, (o, v) -> Varints.writeString(o, ((BigDecimal) v).toString()),
                i -> Numbers.parseDecimal(Numbers.readText(i, Numbers.MAX_DECIMAL_TEXT, "BigDecimal"), "BigDecimal"));
        scalar(BigInteger.class, (o, v) -> Varints.writeString(o, v.toString()),
                i -> Numbers.parseInteger(Numbers.readText(i, Numbers.MAX_INTEGER_TEXT, "BigInteger"), "BigInteger"));
        scalar(Date.class, (o, v) -> o.writeLong(((Date) v).getTime()), i -> new Date(i.readLong()));
        scalar(UUID.class, (o, v) -> {
            o.writeLong(((UUID) v).getMostSignificantBits());
            o.writeLong(((UUID) v).getLeastSignificantBits());
        }, i -> new UUID(i.readLong(), i.readLong()));
        scalar(Instant.class, (o, v) -> {
            o.writeLong(((Instant) v).getEpochSecond());
            o.writeInt(((Instant) v).getNano());
        }, i -> Instant.ofEpochSecond(i.readLong(), i.readInt()));
        scalar(Duration.class, (o, v) -> {
            o.writeLong(((Duration) v).getSeconds());
            o.writeInt(((Duration) v).getNano());
        }, i -> Duration.ofSeconds(i.readLong(), i.readInt()));
        scalar(LocalDate.class, (o, v) -> o.writeLong(((LocalDate) v).toEpochDay()), i -> LocalDate.ofEpochDay(i.readLong()));
        scalar(LocalTime.class, (o, v) -> o.writeLong(((LocalTime) v).toNanoOfDay()), i -> LocalTime.ofNanoOfDay(i.readLong()));
        scalar(LocalDateTime.class, (o, v) -> {
            o.writeLong(((LocalDateTime) v).toLocalDate().toEpochDay());
            o.writeLong(((LocalDateTime) v).toLocalTime().toNanoOfDay());
        }, i -> LocalDateTime.of(LocalDate.ofEpochDay(i.readLong()), LocalTime.ofNanoOfDay(i.readLong())));
        textual(OffsetDateTime.class, OffsetDateTime::parse);
        textual(OffsetTime.class, OffsetTime::parse);
        textual(ZonedDateTime.class, ZonedDateTime::parse);
        textual(Period.class, Period::parse);
        textual(Year.class, Year::parse);
        textual(YearMonth.class, YearMonth::parse);
        textual(MonthDay.class, MonthDay::parse);
        textual(ZoneOffset.class, ZoneOffset::of);
        textual(ZoneId.class, ZoneId::of);
    }

    private ScalarCodecs() {
    }

    /** The codec of a scalar class (any ZoneId subclass reads as a ZoneId), or null when {@code c} is not one. */
    static ValueCodec of(Class<?> c) {
        ValueCodec codec = SCALARS.get(c);
        return codec == null && ZoneId.class.isAssignableFrom(c) ? SCALARS.get(ZoneId.class) : codec;
    }

    private interface Writer {
        void write(ByteBuf out, Object value) throws Exception;
    }

    private interface Reader {
        Object read(ByteBuf in) throws Exception;
    }

    private static void scalar(Class<?> type, Writer writer, Reader reader) {
        SCALARS.put(type, new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) throws Exception {
                writer.write(out, value);
            }

            @Override
            public Object read(ByteBuf in) throws Exception {
                return reader.read(in);
            }
        });
    }

    private static void textual(Class<?> type, Function<String, Object> parse) {
        scalar(type, (o, v) -> Varints.writeString(o, v.toString()), i -> parse.apply(Varints.readString(i)));
    }
}
