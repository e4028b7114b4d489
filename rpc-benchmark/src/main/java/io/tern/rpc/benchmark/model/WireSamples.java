package io.tern.rpc.benchmark.model;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.transport.internal.MethodCodecs;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests a Tern proxy sends for the benchmark calls, built the way the proxy builds them (service key, method
 * descriptors, deadline and attempt attachments) and encoded with {@link MessageCodec#encodeRequest}. The raw Netty
 * ceiling echoes exactly these bytes.
 */
public final class WireSamples {
    /** The call timeout the end-to-end benchmark uses; it travels as the deadline-ms attachment. */
    public static final long TIMEOUT_MILLIS = 10_000;

    private WireSamples() {
    }

    private static final Map<String, Object> ARGUMENTS = new ConcurrentHashMap<>();

    /**
     * The method of a call: {@code echo}, {@code pojo}, {@code bytes-SIZE} ({@link BlobPojo}) or {@code rows-SIZE}
     * ({@link RowsPojo}), SIZE as {@code 1k}, {@code 16k}, {@code 256k}, {@code 4m} (binary units).
     */
    public static Method method(String call) {
        try {
            if (call.startsWith("bytes-")) {
                size(call);
                return EchoService.class.getMethod("echoBlob", BlobPojo.class);
            }
            if (call.startsWith("rows-")) {
                size(call);
                return EchoService.class.getMethod("echoRows", RowsPojo.class);
            }
            return switch (call) {
                case "echo" -> EchoService.class.getMethod("echo", String.class);
                case "pojo" -> EchoService.class.getMethod("echoPojo", SmallPojo.class);
                default -> throw new IllegalArgumentException("unknown call '" + call + "': use echo, pojo, bytes-SIZE or rows-SIZE");
            };
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload size a size call names, in bytes. */
    public static int size(String call) {
        String s = call.substring(call.indexOf('-') + 1).toLowerCase(java.util.Locale.ROOT);
        int unit = s.endsWith("k") ? 1024 : s.endsWith("m") ? 1024 * 1024 : 1;
        try {
            return Integer.parseInt(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size in call '" + call + "': use e.g. bytes-16k or rows-4m", e);
        }
    }

    /** The argument of a call: one shared instance per call name (the size payloads are built once). */
    public static Object argument(String call) {
        return ARGUMENTS.computeIfAbsent(call, c -> {
            if (c.startsWith("bytes-")) {
                return Payloads.blob(size(c));
            }
            if (c.startsWith("rows-")) {
                return Payloads.rows(size(c));
            }
            return c.equals("echo") ? Payloads.ECHO_STRING : Payloads.small();
        });
    }

    /** The serialized size of a call's argument with Protostuff (what one direction of a call carries, without header). */
    public static int argumentBytes(String call) {
        return serializedSize(Serializers.protostuff(), method(call).getParameterTypes()[0], argument(call));
    }

    /** The request as the proxy builds it. */
    public static RpcRequest request(String call) {
        Method m = method(call);
        MethodCodecs codecs = new MethodCodecs(m);
        Map<String, String> attachments = Attachments.ofCall(TIMEOUT_MILLIS, 0, false);
        return new RpcRequest(ServiceKey.of(EchoService.class.getName(), "", ""), m.getName(), codecs.descriptors(),
                new Object[]{argument(call)}, attachments);
    }

    public static MethodCodecs codecs(String call) {
        return new MethodCodecs(method(call));
    }

    public static ValueCodec[] argCodecs(String call, Serializer serializer) {
        return codecs(call).argCodecs(serializer);
    }

    /** A complete REQUEST frame (16-byte header + body), as Tern sends it with Protostuff. */
    public static byte[] requestFrame(String call, int requestId) {
        ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
        try {
            ByteBuf frame = MessageCodec.encodeRequest(alloc, requestId, Serializers.protostuff(), Compression.NONE, request(call),
                    argCodecs(call, Serializers.protostuff()));
            try {
                return ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode the " + call + " request", e);
        }
    }

    /** The serialized size of a value with a codec (no frame). */
    public static int serializedSize(Serializer serializer, Class<?> type, Object value) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        try {
            serializer.codecFor(type).write(buf, value);
            return buf.readableBytes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
    }
}
