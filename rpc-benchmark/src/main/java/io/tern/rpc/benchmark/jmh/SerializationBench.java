package io.tern.rpc.benchmark.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.tern.rpc.benchmark.model.LargePojo;
import io.tern.rpc.benchmark.model.Payloads;
import io.tern.rpc.benchmark.model.SmallPojo;
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

import java.util.concurrent.TimeUnit;

/**
 * Protostuff vs Kryo through Tern's {@link ValueCodec}s (the codecs a method gets at export/reference time), writing
 * into and reading from pooled direct buffers as the transport does. {@code small} is ~150 bytes, {@code large} ~4 KB.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SerializationBench {
    @Param({"protostuff", "kryo"})
    public String codec;

    @Param({"small", "large"})
    public String pojo;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ValueCodec valueCodec;
    private Object value;
    private ByteBuf encoded;
    private int size;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Class<?> type = pojo.equals("small") ? SmallPojo.class : LargePojo.class;
        value = pojo.equals("small") ? Payloads.small() : Payloads.large();
        valueCodec = Serializers.byName(codec).codecFor(type);
        encoded = alloc.directBuffer(8192);
        valueCodec.write(encoded, value);
        size = encoded.readableBytes();
        Object back = valueCodec.read(encoded.duplicate());
        if (!value.equals(back)) {
            throw new IllegalStateException(codec + " did not round-trip the " + pojo + " POJO");
        }
        System.out.println("\n" + codec + " " + pojo + " POJO: " + size + " bytes serialized");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
    }

    /** Serialize into a fresh pooled buffer (as encodeRequest does), then release it. */
    @Benchmark
    public int write() throws Exception {
        ByteBuf out = alloc.ioBuffer(256);
        try {
            valueCodec.write(out, value);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }

    /** Deserialize from a direct buffer (inbound network buffers are direct). */
    @Benchmark
    public Object read() throws Exception {
        encoded.readerIndex(0);
        return valueCodec.read(encoded);
    }

    /** Both: what one side of a call costs for one value. */
    @Benchmark
    public Object roundTrip() throws Exception {
        ByteBuf out = alloc.ioBuffer(256);
        try {
            valueCodec.write(out, value);
            return valueCodec.read(out);
        } finally {
            out.release();
        }
    }
}
