package io.tern.rpc.benchmark.e2e;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.transport.internal.MethodCodecs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * gRPC method descriptors for every method of {@link EchoService}, written by hand because there is no protoc here
 * and because the comparison is about the RPC stack, not the codec: requests and responses are the bytes Tern's own
 * Protostuff codecs write for the same declared types ({@link MethodCodecs}, the codecs a Tern proxy uses), so gRPC
 * carries the same payload bytes as Tern. Built by reflection, so calls added to the interface need nothing here.
 * Requests are the argument array (each argument with its parameter's codec, one after the other), responses the
 * value the method's future completes with.
 */
final class GrpcEchoMethods {
    static final String SERVICE = EchoService.class.getName();
    /** The same ceiling as Tern's frame limit and Dubbo's default payload limit (gRPC's default is 4 MiB). */
    static final int MAX_MESSAGE_BYTES = io.tern.rpc.protocol.internal.FrameHeader.DEFAULT_MAX_FRAME_LENGTH;

    private static final Map<String, Entry> BY_NAME = build();

    /** One method: its reflective handle (the server invokes it) and its unary descriptor. */
    record Entry(Method method, MethodDescriptor<Object[], Object> descriptor) {
    }

    private GrpcEchoMethods() {
    }

    static Entry of(Method method) {
        Entry e = BY_NAME.get(method.getName());
        if (e == null) {
            throw new IllegalArgumentException("no gRPC descriptor for " + method);
        }
        return e;
    }

    static Iterable<Entry> all() {
        return BY_NAME.values();
    }

    private static Map<String, Entry> build() {
        Map<String, Entry> map = new LinkedHashMap<>();
        Method[] methods = EchoService.class.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            MethodCodecs codecs = new MethodCodecs(m);
            codecs.require(Serializers.protostuff());
            MethodDescriptor<Object[], Object> d = MethodDescriptor.<Object[], Object>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, m.getName()))
                    .setRequestMarshaller(new ArgsMarshaller(codecs.argCodecs(Serializers.protostuff())))
                    .setResponseMarshaller(new ValueMarshaller(codecs.resultCodec(Serializers.protostuff())))
                    .build();
            if (map.put(m.getName(), new Entry(m, d)) != null) {
                throw new IllegalStateException("overloaded method " + m.getName() + ": gRPC methods are named, not typed");
            }
        }
        return map;
    }

    /**
     * A message as Tern's codecs write it, in a heap buffer handed to gRPC without a further copy. Each marshaller
     * starts its next buffer at about its last message's size, so a large message is not grown (and copied) in steps.
     */
    private abstract static class TernBytes<T> implements MethodDescriptor.Marshaller<T> {
        private final String what;
        /** Only a hint: racy on purpose. */
        private int sizeHint = 256;

        TernBytes(String what) {
            this.what = what;
        }

        abstract void write(ByteBuf out, T value) throws Exception;

        abstract T read(ByteBuf in) throws Exception;

        @Override
        public final InputStream stream(T value) {
            ByteBuf buf = Unpooled.buffer(sizeHint);
            try {
                write(buf, value);
            } catch (Exception e) {
                throw new IllegalStateException("cannot encode the " + what, e);
            }
            int n = buf.readableBytes();
            sizeHint = Math.max(256, n + n / 8);
            return new BytesStream(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
        }

        @Override
        public final T parse(InputStream stream) {
            ByteBuf buf = Unpooled.wrappedBuffer(readAll(stream));
            long budget = DecodeBudget.open(buf.readableBytes());
            try {
                return read(buf);
            } catch (Exception e) {
                throw new IllegalStateException("cannot decode the " + what, e);
            } finally {
                DecodeBudget.close(budget);
            }
        }
    }

    /** The arguments, each written with its parameter's codec. */
    private static final class ArgsMarshaller extends TernBytes<Object[]> {
        private final ValueCodec[] codecs;

        ArgsMarshaller(ValueCodec[] codecs) {
            super("arguments");
            this.codecs = codecs;
        }

        @Override
        void write(ByteBuf out, Object[] args) throws Exception {
            for (int i = 0; i < codecs.length; i++) {
                codecs[i].write(out, args[i]);
            }
        }

        @Override
        Object[] read(ByteBuf in) throws Exception {
            Object[] args = new Object[codecs.length];
            for (int i = 0; i < codecs.length; i++) {
                args[i] = codecs[i].read(in);
            }
            return args;
        }
    }

    /** The result value, written with the codec of the future's type argument. */
    private static final class ValueMarshaller extends TernBytes<Object> {
        private final ValueCodec codec;

        ValueMarshaller(ValueCodec codec) {
            super("result");
            this.codec = codec;
        }

        @Override
        void write(ByteBuf out, Object value) throws Exception {
            codec.write(out, value);
        }

        @Override
        Object read(ByteBuf in) throws Exception {
            return codec.read(in);
        }
    }

    /**
     * gRPC's message streams know their length: reading into an array of that size spares the 8-16 KB scratch
     * buffers of {@link InputStream#readAllBytes()} on every message.
     */
    private static byte[] readAll(InputStream stream) {
        try (stream) {
            if (stream instanceof KnownLength) {
                byte[] bytes = new byte[stream.available()];
                if (stream.readNBytes(bytes, 0, bytes.length) == bytes.length && stream.read() < 0) {
                    return bytes;
                }
                throw new IOException("the message is not as long as announced");
            }
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Tells gRPC the message length up front and hands the bytes over in one write (as its protobuf marshaller's
     * stream does), so the framer neither buffers nor copies the message piecewise.
     */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] bytes, int offset, int length) {
            super(bytes, offset, length);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
