package io.tern.rpc.benchmark.jmh;

import io.tern.rpc.benchmark.model.ImmediateEcho;
import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What capturing an async call's call site costs (issue 17, rpc.consumer.capture-call-site): {@code capture} is the
 * capture alone (a Throwable made as the proxy's CallSite is: stack trace, no suppression list; its frames are only
 * materialised if the call fails), {@code asyncCall} a whole async call over Netty on loopback ({@code echo}, joined),
 * with the reference's capture off or on. Both run {@code depth} frames below the benchmark method, as a call made
 * from inside a web framework's request handling would (a Spring MVC request is ~100 frames deep).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CallSiteBench {
    @Param({"false", "true"})
    public boolean captureCallSite;

    @Param({"10", "100"})
    public int depth;


    /** Made as io.tern.rpc.cluster.CallSite is (package-private there). */
    static final class Capture extends Throwable {
        Capture() {
            super("call site", null, false, true);
        }
    }


    /** A provider on loopback and a reference to it, for {@link #asyncCall} only: the captures need no server. */
    @State(Scope.Thread)
    public static class Loopback {
        TransportServer server;
        TransportClient client;
        EchoService service;

        @Setup(Level.Trial)
        public void setUp(CallSiteBench bench) throws Exception {
            server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
            server.export(ExportedService.of(EchoService.class, new ImmediateEcho(), "", "", ExportedService.ExecutionMode.DIRECT));
            server.start();
            client = new TransportClient(ClientConfig.defaults());
            service = Reference.to(EchoService.class).address("127.0.0.1:" + server.port()).timeout(Duration.ofSeconds(5))
                    .captureCallSite(bench.captureCallSite).create(client);
            service.echo("warm").get(10, TimeUnit.SECONDS);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.close();
            server.close();
        }
    }

    @Benchmark
    public Object capture() {
        return deep(depth, null, false);
    }

    /** The alternative not taken: a StackWalker bounded to the top 32 frames, materialised at once. */
    @Benchmark
    public Object captureWalker() {
        return deep(depth, null, true);
    }

    @Benchmark
    public Object asyncCall(Loopback loopback) {
        return deep(depth, loopback.service, false);
    }

    private static final StackWalker WALKER = StackWalker.getInstance();

    /** {@code service} null: a capture only (by StackWalker if {@code walker}); else a call on it. */
    private Object deep(int frames, EchoService service, boolean walker) {
        if (frames > 0) {
            return deep(frames - 1, service, walker);
        }
        if (service != null) {
            return service.echo("x").join();
        }
        if (!captureCallSite) {
            return null;
        }
        return walker ? WALKER.walk(s -> s.limit(32).map(StackWalker.StackFrame::toStackTraceElement).toArray()) : new Capture();
    }
}
