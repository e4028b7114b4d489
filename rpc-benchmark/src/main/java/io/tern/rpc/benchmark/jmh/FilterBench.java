package io.tern.rpc.benchmark.jmh;

import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.cluster.Invocation;
import io.tern.rpc.cluster.Invoker;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What user filters cost per call (issue 13: an empty filter must cost under 50 ns): a client chain of
 * {@code filters} empty filters in front of a link that answers at once, and the same on the provider's side around
 * a method that returns at once. {@code filters = 0} is the chain's end alone, the baseline. The filters are of
 * three different classes, so the call sites see several receivers, as in an application with a few filters.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FilterBench {
    @Param({"0", "1", "3"})
    public int filters;

    private static final CompletableFuture<RpcResponse> ANSWER = CompletableFuture.completedFuture(RpcResponse.ok("hi"));
    private Invoker client;
    private ServerInvoker server;
    private Invocation invocation;
    private ServerInvocation call;

    static final class PassA implements ClientFilter {
        @Override
        public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
            return next.invoke(invocation);
        }
    }

    static final class PassB implements ClientFilter {
        @Override
        public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
            return next.invoke(invocation);
        }
    }

    static final class PassC implements ClientFilter {
        @Override
        public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
            return next.invoke(invocation);
        }
    }

    static final class ServerA implements ServerFilter {
        @Override
        public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
            return next.invoke(call);
        }
    }

    static final class ServerB implements ServerFilter {
        @Override
        public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
            return next.invoke(call);
        }
    }

    static final class ServerC implements ServerFilter {
        @Override
        public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
            return next.invoke(call);
        }
    }

    @Setup
    public void setUp() throws Exception {
        List<ClientFilter> clientFilters = new ArrayList<>(List.of(new PassA(), new PassB(), new PassC()).subList(0, filters));
        List<ServerFilter> serverFilters = new ArrayList<>(List.of(new ServerA(), new ServerB(), new ServerC()).subList(0, filters));
        client = ClientFilter.chain(clientFilters, invocation -> ANSWER);
        server = ServerFilter.chain(serverFilters, c -> "hi");
        invocation = new Invocation(new RpcRequest("svc", "hello", new String[0], new Object[0], Attachments.ofCall(1000, 0, false)),
                null, false, System.nanoTime() + 1_000_000_000L);
        call = new FixedCall(Object.class.getMethod("toString"));
    }

    @Benchmark
    public CompletableFuture<RpcResponse> clientChain() {
        return client.invoke(invocation);
    }

    @Benchmark
    public Object serverChain() throws Throwable {
        return server.invoke(call);
    }

    /** A served call as a filter sees it, fixed. */
    private record FixedCall(Method method) implements ServerInvocation {
        @Override
        public String serviceKey() {
            return "svc";
        }

        @Override
        public Object[] arguments() {
            return new Object[0];
        }

        @Override
        public boolean async() {
            return false;
        }

        @Override
        public Map<String, String> attachments() {
            return Map.of();
        }

        @Override
        public String peer() {
            return "127.0.0.1:1";
        }

        @Override
        public boolean hasDeadline() {
            return false;
        }

        @Override
        public long remainingNanos() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Object reject(Status status, String message) {
            throw new UnsupportedOperationException();
        }
    }
}
