package io.tern.rpc.benchmark.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.rpc.benchmark.model.WireSamples;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageCodec;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The frame path of one call with Protostuff, on pooled buffers: the client encodes the REQUEST, the server decodes
 * it (header, envelope, arguments), encodes the RESPONSE, the client decodes it. {@code echo} carries a short
 * String, {@code pojo} the ~150-byte {@link io.tern.rpc.benchmark.model.SmallPojo}. The request is the one a Tern
 * proxy builds (deadline and attempt attachments included). Run with {@code -prof gc} for bytes per operation;
 * {@link #callCodecPath} is the whole codec cost of one call, client plus server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FrameBench {
    @Param({"echo", "pojo"})
    public String call;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Serializer serializer = Serializers.protostuff();
    private RpcRequest request;
    private ValueCodec[] argCodecs;
    private ValueCodec resultCodec;
    private RpcResponse response;
    /** The encoded REQUEST frame (header + body), in a direct buffer. */
    private ByteBuf requestFrame;
    /** The encoded RESPONSE body (no header), in a direct buffer. */
    private ByteBuf responseBody;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        request = WireSamples.request(call);
        argCodecs = WireSamples.argCodecs(call, serializer);
        resultCodec = WireSamples.codecs(call).resultCodec(serializer);
        response = RpcResponse.ok(request.arguments()[0]);
        requestFrame = MessageCodec.encodeRequest(alloc, 7, serializer, Compression.NONE, request, argCodecs);
        ByteBuf responseFrame = MessageCodec.encodeResponse(alloc, 7, serializer, Compression.NONE, response, resultCodec);
        responseBody = responseFrame.retainedSlice(FrameHeader.LENGTH, responseFrame.readableBytes() - FrameHeader.LENGTH);
        responseFrame.release();
        channel = new EmbeddedChannel(new FrameDecoder(FrameHeader.DEFAULT_MAX_FRAME_LENGTH));
        System.out.println("\n" + call + ": request frame " + requestFrame.readableBytes() + " bytes, response frame "
                + (responseBody.readableBytes() + FrameHeader.LENGTH) + " bytes");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        requestFrame.release();
        responseBody.release();
        channel.finishAndReleaseAll();
    }

    /** Client: encode a REQUEST frame into a pooled buffer (released: the transport would write it). */
    @Benchmark
    public int encodeRequest() throws Exception {
        ByteBuf frame = MessageCodec.encodeRequest(alloc, 7, serializer, Compression.NONE, request, argCodecs);
        int n = frame.readableBytes();
        frame.release();
        return n;
    }

    /** Server: split the frame as FrameDecoder does (header fields, retained body slice), decode head and arguments. */
    @Benchmark
    public Object decodeRequest(Blackhole bh) {
        ByteBuf in = requestFrame;
        int start = in.readerIndex();
        int length = in.getInt(start + FrameHeader.OFFSET_LENGTH);
        bh.consume(in.getInt(start + FrameHeader.OFFSET_REQUEST_ID));
        ByteBuf body = in.retainedSlice(start + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
        try {
            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(body);
            bh.consume(head);
            return MessageCodec.decodeArguments(body, argCodecs);
        } finally {
            body.release();
        }
    }

    /** Server: the same through the real {@link FrameDecoder} in an EmbeddedChannel (adds the pipeline and cumulation). */
    @Benchmark
    public Object decodeRequestViaFrameDecoder(Blackhole bh) {
        channel.writeInbound(requestFrame.retainedDuplicate());
        Frame frame = channel.readInbound();
        try {
            MessageCodec.RequestHead head = MessageCodec.decodeRequestHead(frame.body());
            bh.consume(head);
            return MessageCodec.decodeArguments(frame.body(), argCodecs);
        } finally {
            frame.release();
        }
    }

    /** Server: encode the OK RESPONSE frame. */
    @Benchmark
    public int encodeResponse() throws Exception {
        ByteBuf frame = MessageCodec.encodeResponse(alloc, 7, serializer, Compression.NONE, response, resultCodec);
        int n = frame.readableBytes();
        frame.release();
        return n;
    }

    /** Client: decode the RESPONSE body. */
    @Benchmark
    public RpcResponse decodeResponse() {
        responseBody.readerIndex(0);
        return MessageCodec.decodeResponse(responseBody, resultCodec);
    }

    /** One call's whole codec path, client plus server: encode request, decode it, encode response, decode it. */
    @Benchmark
    public RpcResponse callCodecPath() throws Exception {
        ByteBuf req = MessageCodec.encodeRequest(alloc, 7, serializer, Compression.NONE, request, argCodecs);
        Object[] args;
        try {
            req.skipBytes(FrameHeader.LENGTH);
            MessageCodec.decodeRequestHead(req);
            args = MessageCodec.decodeArguments(req, argCodecs);
        } finally {
            req.release();
        }
        ByteBuf resp = MessageCodec.encodeResponse(alloc, 7, serializer, Compression.NONE, RpcResponse.ok(args[0]), resultCodec);
        try {
            resp.skipBytes(FrameHeader.LENGTH);
            return MessageCodec.decodeResponse(resp, resultCodec);
        } finally {
            resp.release();
        }
    }
}
