package io.tern.rpc.benchmark.jmh;

import io.tern.rpc.RpcException;
import io.tern.rpc.RpcStatusException;
import io.tern.rpc.protocol.Status;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What a failed blocking call pays for naming its caller (issue 17): {@code refusal} is the exception a refusal
 * (SERVER_BUSY, a timeout...) already costs, made on the I/O thread; {@code refusalForCaller} adds what the proxy now
 * does on the calling thread: the copy with that thread's frames ({@link RpcException#withCallerStack()}), left as
 * the VM's backtrace; {@code refusalForCallerTrimmed} also reads the frames to drop Tern's own from the top (the
 * alternative not taken: it costs several times more). Run {@code depth} frames deep, as a caller in a web framework
 * would be. Only failed calls pay it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CallerStackBench {
    @Param({"10", "100"})
    public int depth;

    @Benchmark
    public Object refusal() {
        return new RpcStatusException(Status.SERVER_BUSY, "SERVER_BUSY from 127.0.0.1:20880 for svc: busy");
    }

    @Benchmark
    public Object refusalForCaller() {
        return deep(depth, new RpcStatusException(Status.SERVER_BUSY, "SERVER_BUSY from 127.0.0.1:20880 for svc: busy"), false);
    }

    @Benchmark
    public Object refusalForCallerTrimmed() {
        return deep(depth, new RpcStatusException(Status.SERVER_BUSY, "SERVER_BUSY from 127.0.0.1:20880 for svc: busy"), true);
    }

    private static Object deep(int frames, RpcException refusal, boolean trim) {
        if (frames > 0) {
            return deep(frames - 1, refusal, trim);
        }
        RpcException copy = refusal.withCallerStack();
        if (!trim) {
            return copy;
        }
        StackTraceElement[] own = copy.getStackTrace();
        copy.setStackTrace(Arrays.copyOfRange(own, Math.min(5, own.length), own.length));
        return copy;
    }
}
